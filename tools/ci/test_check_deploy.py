#!/usr/bin/env python3
"""check_deploy.py must fail where a deployment file is wrong: each case copies docker/ and
config/ of REPO, breaks one thing and expects check_deploy to name it (and the unbroken copy
to pass). Run by tools/ci/check-docker.sh.

  test_check_deploy.py REPO
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile

# (file, text, replacement, a part of the expected error)
CASES = [
    ("compose.yaml", "replicas: 2", "replicas: 1", "deploy.replicas 2 at least"),
    ("compose.yaml", "postgresql://stub@postgres", "postgresql://stub:pw@postgres",
     "the URL carries a password"),
    ("compose.yaml", "postgresql://stub@postgres:5432", "postgresql://stub@db:5432",
     "should name the postgres service"),
    ("compose.yaml", "PGPASSWORD: ${POSTGRES_PASSWORD", "PGPASSWORD: ${STUB_PASSWORD",
     "PGPASSWORD must be postgres' POSTGRES_PASSWORD"),
    ("compose.yaml", "    image: skill-postgres:15\n", "", "postgres: name the image"),
    ("persistence-stub.Dockerfile", "target=/root/.cache/ccache", "target=/ccache",
     "would be compiled once per image"),
    ("Dockerfile.dockerignore", ".git\n", ".git\ndocs\n", "the .dockerignore files of"),
    ("postgres.Dockerfile", "STOPSIGNAL SIGINT", "STOPSIGNAL SIGTERM", "STOPSIGNAL SIGINT"),
    ("postgres.Dockerfile", "pg_isready", "true", "HEALTHCHECK must run pg_isready"),
    ("postgres.Dockerfile.dockerignore", "!docker/postgres-entrypoint.sh", "",
     "excluded by postgres.Dockerfile.dockerignore"),
    ("k8s/persistence-stub.yaml", "key: url", "key: uri", "missing secret key"),
    ("k8s/persistence-stub.yaml", "$(PERSISTENCE_STUB_DB)", "$(DB_URL)",
     "$(DB_URL) in the arguments is no env"),
    ("k8s/persistence-stub.yaml", "  replicas: 2", "  replicas: 1", "two replicas at least"),
    ("k8s/persistence-stub.yaml", "key: password", "key: pass", "missing secret key"),
    ("k8s/secret.yaml", "url: postgresql://stub@postgres:5432", "url: postgresql://stub@pg:5432",
     "no Service named pg"),
    ("k8s/secret.yaml", "url: postgresql://stub@", "url: postgresql://stub:x@",
     "the URL carries a password"),
    ("k8s/configmap.yaml", "service-persistence-service:1555", "service-persistence-service:1556",
     "has no port 1556"),
    ("k8s/postgres.yaml", "serviceName: postgres", "serviceName: pg", "serviceName names no Service"),
    ("k8s/postgres.yaml", "mountPath: /run/postgresql", "mountPath: /run/postgresql\n"
     "            - name: cache\n              mountPath: /cache", "volumeMount cache names no volume"),
    ("k8s/postgres.yaml", "  clusterIP: None\n  selector:\n    app.kubernetes.io/name: postgres",
     "  clusterIP: None\n  selector:\n    app.kubernetes.io/name: pg", "selector matches no pod"),
    ("k8s/postgres.yaml", "volumeClaimTemplates", "volumeClaimTemplate", "unknown field"),
    ("k8s/deployment.yaml", "readOnlyRootFilesystem", "readOnlyRootFileSystem", "unknown field"),
]


def run(root):
    result = subprocess.run([sys.executable, str(checker), str(root)], capture_output=True,
                            text=True)
    return result.returncode, result.stderr


repo = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
checker = repo / "tools/ci/check_deploy.py"
failures = 0
with tempfile.TemporaryDirectory() as tmp:
    for i, case in enumerate([None] + CASES):
        root = pathlib.Path(tmp) / str(i)
        for part in ("docker", "config"):
            shutil.copytree(repo / part, root / part)
        (root / "scripts").mkdir()
        if case is None:
            status, stderr = run(root)
            if status != 0:
                print(f"FAIL the unbroken files: {stderr}", file=sys.stderr)
                failures += 1
            continue
        name, text, replacement, expected = case
        path = root / "docker" / name
        content = path.read_text()
        if text not in content:
            print(f"FAIL {name}: the case's text {text!r} is not in the file", file=sys.stderr)
            failures += 1
            continue
        path.write_text(content.replace(text, replacement, 1))
        status, stderr = run(root)
        if status == 0 or expected not in stderr:
            print(f"FAIL {name}: {text!r} -> {replacement!r}: expected '{expected}', got "
                  f"exit {status}: {stderr.strip()}", file=sys.stderr)
            failures += 1
print(f"test_check_deploy: {len(CASES) + 1 - failures} of {len(CASES) + 1} ok")
sys.exit(1 if failures else 0)
