"""The program's imports resolve the way Pulumi's Python language host runs it.

The host's shim (`pulumi-language-python-exec`) runs `runpy.run_path(<project dir>,
run_name="__main__")` inside `run_in_stack`, with config from PULUMI_CONFIG. This test does
the same in a fresh interpreter from another working directory, after removing every trace
of the editable install, so `components` and `stacks` must resolve from the project
directory runpy puts on sys.path, as they will under `pulumi up`; the core (`platform_spec`,
`platform_cost`) is a distribution of its own, installed from core/ by requirements.txt.
"""

import json
import os
import subprocess
import sys
import textwrap

from platform_spec.paths import project_root

ROOT = project_root()

CHILD = textwrap.dedent(
    """
    import asyncio, runpy, sys
    root = sys.argv[1]
    sys.path[:] = [p for p in sys.path if p not in ("", ".", root)]
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__.lower()
                        and "editable" not in getattr(f, "__name__", "").lower()]
    for name in [m for m in sys.modules if m.split(".")[0] in ("stacks", "components", "mlplat", "tests")]:
        del sys.modules[name]
    sys.path.append(root + "/core")  # the core distribution, where `pip install ./core` puts its packages
    import pulumi
    from pulumi.runtime import mocks

    class Mocks(mocks.Mocks):
        def new_resource(self, args):
            outputs = dict(args.inputs, arn="arn:aws:test:::" + args.name, roots=[{"id": "r-test"}])
            return args.name + "-id", outputs
        def call(self, args):
            return {}

    config = pulumi.runtime.get_config_env()
    pulumi.runtime.set_all_config(config, [])
    registered = []
    class Recording(Mocks):
        def new_resource(self, args):
            registered.append(args.typ)
            return super().new_resource(args)
    mocks.set_mocks(Recording(), project="mlplatform", stack="org", preview=False)
    runpy.run_path(root, run_name="__main__")
    asyncio.get_event_loop().run_until_complete(pulumi.runtime.stack.wait_for_rpcs())
    import stacks
    assert stacks.__file__.startswith(root), stacks.__file__
    print(len(registered), registered.count("aws:organizations/account:Account"))
    """
)


def test_root_program_runs_from_the_project_directory_without_the_editable_install(tmp_path):
    env = dict(
        os.environ, PULUMI_CONFIG=json.dumps({"mlplatform:environment": "org", "mlplatform:layer": "org"})
    )
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    resources, accounts = map(int, result.stdout.split())
    assert accounts == 8 and resources > 30
