/* SPDX-License-Identifier: MIT */
/*
 * board-desc.h - a real board described once: its console, its power and
 * its flasher, read from whichever description the board already has.
 *
 * Three forms are read (doc/boards.md):
 *   - a labgrid environment YAML (`targets:`), in the resource and driver
 *     names of both Debian's labgrid 0.4.1 and current labgrid;
 *   - a rendered LAVA device dictionary (`commands:`, as the REST API's
 *     `?render=true` gives it);
 *   - oopsfarm's own small YAML (`kind: desk`).
 * Reading only parses the file: no device is opened, no command run, no
 * host name resolved.  Each form ends up in the same struct board_desc.
 *
 * Commands taken from a description (LAVA's shell strings, labgrid's
 * cmd_on) become argv vectors, split without a shell by board_argv_split();
 * shell operators are refused.  A `pduclient` command line becomes a
 * pdudaemon power method; a command that runs `oopsfarm power` for the board
 * itself is refused, since it would recurse.
 *
 * Ownership: board_desc_load() allocates everything in the desc;
 * board_desc_free() frees it (NULL is fine).
 */
#ifndef OOPSFARM_BOARD_DESC_H
#define OOPSFARM_BOARD_DESC_H

#include <stdbool.h>
#include <stddef.h>

#define BOARD_MAX_ARGS		 32
#define BOARD_KERNEL_CONSOLE_MAX 63 /* console.kernel, in bytes */
#define BOARD_MAX_LIST		 16

enum board_format {
	BOARD_FMT_OWN,
	BOARD_FMT_LABGRID,
	BOARD_FMT_LAVA,
};

enum board_console_kind {
	CONSOLE_NONE,
	CONSOLE_TTY,	 /* a local tty, by path (a /dev/serial/by-id name survives replugging) */
	CONSOLE_TTY_USB, /* a local USB-serial adapter found by its match (labgrid USBSerialPort) */
	CONSOLE_RAW,	 /* raw TCP (ser2net `accepter: tcp,...`, `nc HOST PORT`) */
	CONSOLE_TELNET,	 /* telnet (ser2net `telnet,tcp,...`, `telnet HOST PORT`) */
	CONSOLE_RFC2217, /* telnet with the COM-PORT-OPTION (ser2net `telnet(rfc2217),tcp,...`) */
};

/* a USB device's identity, as sysfs gives it; NULL or 0: any */
struct board_usb_match {
	char *serial;	/* ID_SERIAL_SHORT: the adapter's serial number */
	char *location; /* the USB port path, "1-1.2" (ID_PATH's tail) */
	unsigned vid, pid;
};

struct board_console {
	enum board_console_kind kind;
	char *path; /* CONSOLE_TTY */
	struct board_usb_match match;
	char *host; /* network consoles */
	int port;
	int speed; /* baud; 0: leave as it is (network consoles: the server's) */
	/* own format only: the UART's name in the kernel, for console=
	 * ("ttySAC0,115200n8" on a Pixel 6); NULL: oopsfarm passes no console=,
	 * and the board's device tree (stdout-path) or bootloader decides */
	char *kernel;
};

enum board_power_kind {
	POWER_NONE,
	POWER_CMD,    /* steps: argv vectors, or pdudaemon requests (a pduclient line) */
	POWER_PDU,    /* steps: pdudaemon requests only */
	POWER_GPIO,   /* a relay on a GPIO line, through libgpiod */
	POWER_MANUAL, /* a person, asked on the terminal */
};

enum board_power_action { BOARD_ON, BOARD_OFF, BOARD_RESET, BOARD_NACTIONS };

enum board_pdu_listener {
	PDU_TCP,  /* pdudaemon's "listener": "tcp" (the default; port 16421) */
	PDU_HTTP, /* "listener": "http" (port 16421 by default too) */
};

/* one request to pdudaemon: what `pduclient` sends */
struct board_pdu {
	char *daemon; /* pdudaemon's host */
	int daemon_port;
	enum board_pdu_listener listener;
	char *pdu;     /* the PDU's name in pdudaemon's config (pduclient --hostname) */
	char *port;    /* the outlet (pduclient --port) */
	char *command; /* "on", "off", "reboot" */
	int delay;     /* pduclient --delay: seconds sent with the request; -1 none */
};

/* one step of a power action: an argv run without a shell, or a pdudaemon request */
struct board_step {
	char **argv; /* NULL-terminated; NULL when pdu is set */
	struct board_pdu *pdu;
};

#define BOARD_MAX_STEPS 4

struct board_power {
	enum board_power_kind kind;
	/* POWER_CMD, POWER_PDU: the steps of on, off, reset; a reset with no
	 * steps is off, delay, on */
	struct board_step steps[BOARD_NACTIONS][BOARD_MAX_STEPS];
	int nsteps[BOARD_NACTIONS];
	/* POWER_GPIO: chip by name ("gpiochip0"), label ("9030000.pl061") or
	 * path; line by offset (line >= 0) or by name (line_name) */
	char *chip;
	int line;
	char *line_name;
	int sysfs_index; /* labgrid SysfsGPIO: the global sysfs number, -1 (board_gpio_sysfs_map()) */
	bool active_low;
	/* seconds between off and on in a reset (labgrid's delay; default 2) */
	double delay;
	char *manual_name; /* POWER_MANUAL: what the person is told to switch */
};

enum board_flash_kind {
	FLASH_NONE,
	FLASH_FASTBOOT_USB, /* by serial number */
	FLASH_FASTBOOT_NET, /* fastboot -s udp:HOST:PORT or tcp: */
};

/* how a variant's kernel gets onto a fastboot board (doc/fastboot.md) */
enum board_flash_method {
	FLASH_SLOTS, /* each variant flashed once into its slot (a, b), then selected per boot */
	FLASH_RAM,   /* `fastboot boot`: sent on every boot, nothing written */
};

/* how a slot is selected (FLASH_SLOTS) */
enum board_flash_select {
	FLASH_SELECT_SET_ACTIVE, /* `fastboot set_active` (a Pixel) */
	FLASH_SELECT_MISC,	 /* the A/B control block in misc (U-Boot's ab_select) */
};

struct board_flash {
	enum board_flash_kind kind;
	char *serial;
	char *host;
	int port;
	char *protocol; /* "udp" or "tcp" */
	/* own format only (labgrid and LAVA have no such keys): */
	char *product;	/* `getvar product` must say this; NULL: nothing is flashed */
	char *serialno; /* `getvar serialno` (USB); NULL: the serial, if any */
	enum board_flash_method method;
	enum board_flash_select select;
	char *recipe; /* the recipe directory that builds the variants' kernels
		       * and initramfs (e.g. devices/qemu-smmuv3); NULL: none */
	/* the boot.img built from a variant (core/bootimg.h; 0: its default) */
	unsigned header_version;
	unsigned page_size, base, kernel_offset;
	double wait_s; /* seconds for the device to answer fastboot after power-on (60) */
};

struct board_desc {
	char *path;
	char *name; /* the file's name without directory and extension */
	enum board_format format;
	struct board_console console;
	struct board_power power;
	struct board_flash flash;
	/* labgrid drivers and LAVA keys oopsfarm does not need, as found */
	char *ignored[BOARD_MAX_LIST];
	int nignored;
};

/*
 * Reads the description at path.  0 and *ret on success.  On failure *ret is
 * untouched and ret_err names the file, the line and what is wrong:
 *   -ENOENT, -EACCES...  the file cannot be read;
 *   -EINVAL  not YAML, not one of the three forms, a bad or missing field,
 *            a command with shell operators, a recursive `oopsfarm power`;
 *   -EOPNOTSUPP  resources (labgrid) or commands (LAVA) oopsfarm cannot
 *            drive: ret_err names each of them.
 */
int board_desc_load(const char *path, struct board_desc **ret, char *ret_err, size_t errsize);
void board_desc_free(struct board_desc *d);

/*
 * Finds the description named BOARD: a path when it holds a '/' or names
 * a file, else NAME.yaml (or NAME.yml, NAME) in the boards directories, in
 * order: each of $OOPSFARM_BOARDS (':'-separated), then
 * ${XDG_CONFIG_HOME:-~/.config}/oopsfarm/boards, /etc/oopsfarm/boards and
 * ./devices/boards.  0 and the path in ret_path; -ENOENT with err listing
 * where it looked.
 */
int board_desc_find(const char *board, char *ret_path, size_t size, char *err, size_t errsize);

/* One line each for people: "telnet localhost:7001 (ser2net)",
 * "pdudaemon tcp localhost:16421: pdu01 port 3 on", "fastboot usb 1A2B3C". */
void board_console_describe(const struct board_console *c, char *buf, size_t size);
void board_step_describe(const struct board_step *s, char *buf, size_t size);
void board_flash_describe(const struct board_flash *f, char *buf, size_t size);
/* "chip 9030000.pl061 line 2 active-low", "sysfs GPIO 505" */
void board_gpio_describe(const struct board_power *pw, char *buf, size_t size);

/* "labgrid", "lava", "oopsfarm" */
const char *board_format_name(enum board_format f);
/* "slots", "ram"; "set-active", "misc" */
const char *board_flash_method_name(enum board_flash_method m);
const char *board_flash_select_name(enum board_flash_select s);
/* "tty", "tty-usb", "raw", "telnet", "rfc2217", "none" */
const char *board_console_kind_name(enum board_console_kind k);
/* "command", "pdudaemon", "gpio", "manual", "none" */
const char *board_power_kind_name(enum board_power_kind k);
/* "on", "off", "reset" */
const char *board_power_action_name(enum board_power_action a);

/*
 * Splits a command line into a NULL-terminated argv the way a POSIX shell
 * splits words, without running one: blanks separate words, '...' quotes
 * literally, "..." quotes with \" \\ \$ \` escapes, \ escapes outside
 * quotes.  Anything a shell would do more than split is refused with
 * -EINVAL and ret_err naming it: ; & | < > ( ) ` $ unquoted, or an
 * unterminated quote.  An empty line is -EINVAL too.  *ret is a
 * malloc'd vector of malloc'd words (board_argv_free()).
 */
int board_argv_split(const char *line, char ***ret, char *ret_err, size_t errsize);
void board_argv_free(char **argv);
/* The argv as one line, words with blanks or quotes in '...' (for messages). */
void board_argv_format(char *const *argv, char *buf, size_t size);

/*
 * Maps a global sysfs GPIO number (labgrid's SysfsGPIO index) to its chip
 * and offset, from the gpiochipN entries under class_dir (normally
 * /sys/class/gpio: each has base, ngpio, label).  0, with *ret_chip a
 * malloc'd chip label and *ret_offset; -ENOENT when no chip covers it.
 */
int board_gpio_sysfs_map(const char *class_dir, int index, char **ret_chip, int *ret_offset);

#endif
