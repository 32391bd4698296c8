#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""lava-validate.py: LAVA's own checks on rendered jobs and device dictionaries,
for tests/t-lava-jobs.sh.  Run it with Debian's /usr/bin/python3, where
Debian's lava packages live.

  lava-validate.py job JOB.yaml
      lava_common's job schema in strict mode with no extra context variables
      (what lava-server's REST API and the dispatcher run), then lava-server's
      submission schema (lava_scheduler_app.schema.validate_submission).
  lava-validate.py device DIR[:DIR...] NAME JOB.yaml OUT.yaml
      renders device dictionary NAME.jinja2 the way lava-server does
      (lava_scheduler_app/environment.py: a sandboxed jinja2 environment with
      trim_blocks, the dictionary directories before LAVA's device types, the
      job's context as variables), checks it with lava-server's device schema
      (validate_device) and writes it to OUT.yaml for `lava-run --validate`.
  lava-validate.py import
      exits 0 when lava_common can be imported.

Exit status: 0 valid, 1 invalid (the reason on stderr), 2 usage.
"""
import sys

import yaml


def server_schema():
    # lava_scheduler_app.schema reads a few Django settings at import time
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(EXTRA_CONTEXT_VARIABLES=[], INSTALLED_APPS=[])
        django.setup()
    import lava_scheduler_app.schema as schema

    return schema


def check_job(path):
    from lava_common.schemas import validate

    text = open(path, encoding="utf-8").read()
    data = yaml.safe_load(text)
    try:
        validate(data, strict=True, extra_context_variables=[])
    except Exception as exc:  # voluptuous.Invalid and friends
        print("%s: lava_common: %s" % (path, exc), file=sys.stderr)
        return 1
    try:
        server_schema().validate_submission(data)
    except Exception as exc:  # SubmissionException
        print("%s: lava-server: %s" % (path, exc), file=sys.stderr)
        return 1
    return 0


def check_device(dirs, name, job_path, out_path):
    from jinja2 import FileSystemLoader
    from jinja2.sandbox import SandboxedEnvironment

    job = yaml.safe_load(open(job_path, encoding="utf-8"))
    env = SandboxedEnvironment(
        loader=FileSystemLoader(dirs.split(":") + ["/usr/share/lava-server/device-types"]),
        autoescape=False,
        trim_blocks=True,
    )
    try:
        text = env.get_template(name + ".jinja2").render(**job.get("context", {}))
        data = yaml.safe_load(text)
        server_schema().validate_device(data)
    except Exception as exc:
        print("%s: device %s: %s" % (job_path, name, exc), file=sys.stderr)
        return 1
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


def main(argv):
    if len(argv) == 2 and argv[1] == "import":
        import lava_common.schemas  # noqa: F401

        return 0
    if len(argv) == 3 and argv[1] == "job":
        return check_job(argv[2])
    if len(argv) == 6 and argv[1] == "device":
        return check_device(*argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
