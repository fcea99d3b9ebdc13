#!/usr/bin/env python3
"""Static checks of docker/ without a Docker engine or a cluster (tools/ci/check-docker.sh).

  check_deploy.py REPO [--prefix DIR]
  check_deploy.py --dockerfile PATH      (a skill project made by tools/new-skill.sh)

Dockerfiles: stages, non-root user, EXPOSE, HEALTHCHECK, exec-form ENTRYPOINT, STOPSIGNAL,
and build steps that only call the build script CI also runs (with --prefix: every file the
runtime stage copies out of the build stage exists in the CI-built prefix); the skill's and
the stub's sdk stages are one text (compiled once); the PostgreSQL image's rules.
k8s: a field schema per kind (catches misspelt fields), and the cross-references kubectl
would only find at apply time (labels, names, ports, probes, grace period vs. drain, Secret
keys, $(VAR) in args, the skill -> stub Service -> database URL chain).
compose.yaml: services, images, the named volume, the persistence URL, two stub replicas on
the postgres service, no password in the --db URL.
tools/ci/test_check_deploy.py breaks each rule once and expects it to fail.
"""
import configparser
import fnmatch
import pathlib
import re
import shlex
import sys

import yaml

errors = []


def fail(where, message):
    errors.append(f"{where}: {message}")


# --- Dockerfiles ------------------------------------------------------------------------

def instructions(path):
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def stages(path):
    result = []
    for word, rest in instructions(path):
        if word == "FROM":
            parts = rest.split()
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            result.append({"image": parts[0], "name": name, "steps": []})
        elif result:
            result[-1]["steps"].append((word, rest))
    return result


def exec_form(rest):
    try:
        value = yaml.safe_load(rest)
    except yaml.YAMLError:
        return None
    return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else None


def check_dockerfile(path, port, prefix=None, build_script="docker/build.sh",
                     deps_steps=("scripts/install-deps.sh",)):
    where = str(path)
    st = stages(path)
    if len(st) < 2:
        return fail(where, "expected a multi-stage build")
    build, runtime = st[0], st[-1]
    if not build["image"].startswith(("debian:12", "${")):
        fail(where, f"build stage should be Debian 12, is {build['image']}")
    if runtime["image"] != "debian:12-slim":
        fail(where, f"runtime stage should be debian:12-slim, is {runtime['image']}")
    for word, rest in build["steps"]:
        if word == "RUN" and build_script not in rest and rest not in deps_steps:
            fail(where, f"build-stage RUN must call {build_script} (CI runs it): {rest}")
    steps = {}
    for word, rest in runtime["steps"]:
        steps.setdefault(word, []).append(rest)
    users = steps.get("USER", [])
    if not users or users[-1].split(":")[0] in ("root", "0"):
        fail(where, "runtime stage must switch to a non-root USER")
    if str(port) not in " ".join(steps.get("EXPOSE", [])).split():
        fail(where, f"runtime stage must EXPOSE {port}")
    health = " ".join(steps.get("HEALTHCHECK", []))
    if "/k8s/liveness" not in health or "CMD" not in health:
        fail(where, "HEALTHCHECK must probe /k8s/liveness")
    if steps.get("STOPSIGNAL") != ["SIGTERM"]:
        fail(where, "STOPSIGNAL SIGTERM expected (graceful drain)")
    entry = steps.get("ENTRYPOINT", [])
    if len(entry) != 1 or exec_form(entry[0]) is None:
        fail(where, "ENTRYPOINT must be one exec-form array (PID 1 must get SIGTERM)")
    for rest in steps.get("COPY", []):
        args = shlex.split(rest)
        if prefix and args and args[0].startswith("--from="):
            for source in args[1:-1]:
                local = pathlib.Path(prefix) / pathlib.Path(source).relative_to("/opt/skill-sdk")
                if not local.exists():
                    fail(where, f"COPY source {source} is not produced by {build_script} ({local})")
    return runtime


def check_shared_sdk_stage(paths):
    """The sdk stages must be the same text: the second image build then takes every sdk
    layer from the cache, and the project is compiled once for both images."""
    texts = {}
    for path in paths:
        build = stages(path)[0]
        texts[path.name] = (build["image"], build["name"], build["steps"])
    if len(set(map(repr, texts.values()))) != 1:
        fail(paths[0].parent, f"the sdk stages of {sorted(texts)} differ: the project would be "
                              "compiled once per image")
    # `COPY . .` is cached by content: a file one context has and the other not would too.
    ignores = {p.name: (p.parent / (p.name + ".dockerignore")).read_text() for p in paths
               if (p.parent / (p.name + ".dockerignore")).is_file()}
    if len(ignores) != len(paths) or len(set(ignores.values())) != 1:
        fail(paths[0].parent, f"the .dockerignore files of {sorted(texts)} differ: the sdk stage "
                              "would be compiled once per image")


def dockerignore_allows(path, source):
    """Whether PATH.dockerignore sends SOURCE (a context-relative path) to the build: the
    last matching pattern decides, `!` re-includes (the Docker rules, without `**`)."""
    ignore = path.parent / (path.name + ".dockerignore")
    if not ignore.is_file():
        return True
    sent = True
    for line in ignore.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        parts = pathlib.PurePosixPath(source).parts
        prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        if any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes):
            sent = negate
    return sent


def check_postgres_dockerfile(path, repo):
    """The PostgreSQL image: one stage on debian:12-slim with Debian's server package."""
    where = str(path)
    st = stages(path)
    if len(st) != 1 or st[0]["image"] != "debian:12-slim":
        return fail(where, "expected one stage FROM debian:12-slim")
    steps = {}
    for word, rest in st[0]["steps"]:
        steps.setdefault(word, []).append(rest)
    if not any(re.search(r"\bpostgresql-\d+\b", rest) for rest in steps.get("RUN", [])):
        fail(where, "no RUN installs Debian's postgresql-NN package")
    users = steps.get("USER", [])
    if not users or users[-1].split(":")[0] in ("root", "0"):
        fail(where, "must switch to a non-root USER")
    if "5432" not in " ".join(steps.get("EXPOSE", [])).split():
        fail(where, "must EXPOSE 5432")
    if "pg_isready" not in " ".join(steps.get("HEALTHCHECK", [])):
        fail(where, "HEALTHCHECK must run pg_isready")
    if steps.get("STOPSIGNAL") != ["SIGINT"]:
        fail(where, "STOPSIGNAL SIGINT expected (PostgreSQL's fast shutdown)")
    if not any(v.startswith("PGDATA=") for rest in steps.get("ENV", []) for v in shlex.split(rest)):
        fail(where, "ENV PGDATA must name the data directory")
    if len(steps.get("VOLUME", [])) != 1:
        fail(where, "the data directory must be a VOLUME")
    entry = steps.get("ENTRYPOINT", [])
    if len(entry) != 1 or exec_form(entry[0]) is None:
        fail(where, "ENTRYPOINT must be one exec-form array (postgres must get the signal)")
    for rest in steps.get("COPY", []):
        for source in shlex.split(rest)[:-1]:
            if not (repo / source).is_file():
                fail(where, f"COPY source {source} does not exist")
            elif not dockerignore_allows(path, source):
                fail(where, f"COPY source {source} is excluded by {path.name}.dockerignore")


# --- Kubernetes --------------------------------------------------------------------------

ANY = object()  # a field whose content is not checked further
META = {"name": str, "labels": dict, "annotations": dict, "namespace": str}
PROBE = {"httpGet": {"path": str, "port": ANY, "scheme": str}, "exec": {"command": [str]},
         "periodSeconds": int, "timeoutSeconds": int, "failureThreshold": int,
         "successThreshold": int, "initialDelaySeconds": int}
CONTAINER = {
    "name": str, "image": str, "imagePullPolicy": str, "args": [str], "command": [str],
    "ports": [{"name": str, "containerPort": int, "protocol": str}],
    "env": [{"name": str, "value": str,
             "valueFrom": {"secretKeyRef": {"name": str, "key": str},
                           "configMapKeyRef": {"name": str, "key": str}}}],
    "volumeMounts": [{"name": str, "mountPath": str, "readOnly": bool, "subPath": str}],
    "resources": {"requests": {"cpu": ANY, "memory": ANY}, "limits": {"cpu": ANY, "memory": ANY}},
    "startupProbe": PROBE, "livenessProbe": PROBE, "readinessProbe": PROBE,
    "lifecycle": {"preStop": {"exec": {"command": list}}},
    "securityContext": {"allowPrivilegeEscalation": bool, "readOnlyRootFilesystem": bool,
                        "capabilities": {"drop": list, "add": list}, "runAsNonRoot": bool},
}
POD_TEMPLATE = {"metadata": META, "spec": {
    "terminationGracePeriodSeconds": int, "containers": [CONTAINER],
    "securityContext": {"runAsNonRoot": bool, "runAsUser": int, "runAsGroup": int,
                        "fsGroup": int, "seccompProfile": {"type": str}},
    "volumes": [{"name": str, "configMap": {"name": str}, "secret": {"secretName": str},
                 "emptyDir": dict, "persistentVolumeClaim": {"claimName": str}}],
}}
SCHEMAS = {
    ("v1", "ConfigMap"): {"data": dict},
    ("v1", "Secret"): {"type": str, "stringData": dict, "data": dict},
    ("v1", "Service"): {"spec": {"type": str, "clusterIP": str, "selector": dict,
                                 "ports": [{"name": str, "port": int, "targetPort": ANY,
                                            "protocol": str}]}},
    ("apps/v1", "Deployment"): {"spec": {
        "replicas": int, "revisionHistoryLimit": int, "selector": {"matchLabels": dict},
        "strategy": {"type": str, "rollingUpdate": {"maxUnavailable": ANY, "maxSurge": ANY}},
        "template": POD_TEMPLATE}},
    ("apps/v1", "StatefulSet"): {"spec": {
        "serviceName": str, "replicas": int, "selector": {"matchLabels": dict},
        "podManagementPolicy": str, "updateStrategy": ANY, "template": POD_TEMPLATE,
        "volumeClaimTemplates": [{"metadata": META, "spec": {
            "accessModes": [str], "storageClassName": str,
            "resources": {"requests": {"storage": ANY}}}}]}},
    ("autoscaling/v2", "HorizontalPodAutoscaler"): {"spec": {
        "scaleTargetRef": {"apiVersion": str, "kind": str, "name": str},
        "minReplicas": int, "maxReplicas": int,
        "metrics": [{"type": str, "resource": {"name": str, "target": {
            "type": str, "averageUtilization": int}}}],
        "behavior": {"scaleDown": ANY, "scaleUp": ANY}}},
    ("kustomize.config.k8s.io/v1beta1", "Kustomization"): {"resources": [str]},
}


def check_schema(where, value, schema):
    if schema is ANY:
        return
    if isinstance(schema, type):
        if not isinstance(value, schema) or (schema is int and isinstance(value, bool)):
            fail(where, f"expected {schema.__name__}, got {value!r}")
        return
    if isinstance(schema, list):
        if not isinstance(value, list):
            return fail(where, "expected a list")
        for i, item in enumerate(value):
            check_schema(f"{where}[{i}]", item, schema[0])
        return
    if not isinstance(value, dict):
        return fail(where, "expected a mapping")
    for key, item in value.items():
        if key not in schema:
            fail(where, f"unknown field '{key}'")
        else:
            check_schema(f"{where}.{key}", item, schema[key])


class Objects:
    """Every object of docker/k8s, by kind and name (a kind may have several)."""

    def __init__(self):
        self.items = []  # (path, doc)

    def of(self, kind):
        return [doc for _, doc in self.items if doc.get("kind") == kind]

    def get(self, kind, name):
        return next((d for d in self.of(kind) if d["metadata"].get("name") == name), None)


def load_k8s(directory):
    objects = Objects()
    for path in sorted(directory.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            kind, api = doc.get("kind"), doc.get("apiVersion")
            schema = SCHEMAS.get((api, kind))
            if schema is None:
                fail(path, f"unexpected kind {api}/{kind}")
                continue
            top = {"apiVersion": str, "kind": str, "metadata": META, **schema}
            check_schema(f"{path.name}:{kind}", doc, top)
            name = doc.get("metadata", {}).get("name")
            if kind != "Kustomization" and objects.get(kind, name) is not None:
                fail(path, f"a second {kind} named {name}")
            objects.items.append((path, doc))
    return objects


def ini_of(configmap):
    parser = configparser.ConfigParser(comment_prefixes=(";", "#"), interpolation=None)
    parser.read_string(configmap["data"]["skill.conf"])
    return parser


def seconds(text):
    match = re.fullmatch(r"([\d.]+)\s*(ms|s|m)?", text.strip())
    value = float(match.group(1))
    return value / 1000 if match.group(2) == "ms" else value * 60 if match.group(2) == "m" else value


def secret_value(objects, name, key):
    secret = objects.get("Secret", name)
    if secret is None:
        return None
    return {**secret.get("stringData", {}), **secret.get("data", {})}.get(key)


def check_workload(objects, workload):
    """What every Deployment and StatefulSet must get right: labels, non-root, resources,
    probes, and references to Secrets, ConfigMaps and volumes that exist."""
    where = workload["metadata"]["name"]
    pod = workload["spec"]["template"]
    labels = pod["metadata"].get("labels", {})
    if any(labels.get(k) != v for k, v in workload["spec"]["selector"]["matchLabels"].items()):
        fail(where, "selector does not match the pod labels")
    if not pod["spec"].get("securityContext", {}).get("runAsNonRoot"):
        fail(where, "pod must run as non-root")
    volumes = {v["name"] for v in pod["spec"].get("volumes", [])}
    volumes |= {c["metadata"]["name"] for c in workload["spec"].get("volumeClaimTemplates", [])}
    for volume in pod["spec"].get("volumes", []):
        if "configMap" in volume and objects.get("ConfigMap", volume["configMap"]["name"]) is None:
            fail(where, f"volume {volume['name']} refers to a missing ConfigMap")
    for container in pod["spec"]["containers"]:
        for part in ("requests", "limits"):
            if not {"cpu", "memory"} <= set(container.get("resources", {}).get(part, {})):
                fail(where, f"resources.{part} needs cpu and memory")
        if "livenessProbe" not in container or "readinessProbe" not in container:
            fail(where, "needs a livenessProbe and a readinessProbe")
        env = set()
        for var in container.get("env", []):
            env.add(var["name"])
            ref = var.get("valueFrom", {}).get("secretKeyRef")
            if ref and secret_value(objects, ref["name"], ref["key"]) is None:
                fail(where, f"env {var['name']} refers to a missing secret key {ref}")
        for arg in container.get("args", []) + container.get("command", []):
            for used in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", arg):
                if used not in env:
                    fail(where, f"$({used}) in the arguments is no env of the container")
        for mount in container.get("volumeMounts", []):
            if mount["name"] not in volumes:
                fail(where, f"volumeMount {mount['name']} names no volume")


def service_for(objects, url, where):
    """The Service a URL's host:port names, and the workload behind it."""
    match = re.fullmatch(r"[a-z]+://(?:[^@/]*@)?([^:/]+):(\d+)(?:/.*)?", url or "")
    if not match:
        fail(where, f"not a URL with host and port: {url!r}")
        return None
    service = objects.get("Service", match.group(1))
    if service is None:
        fail(where, f"{url}: no Service named {match.group(1)}")
        return None
    if int(match.group(2)) not in [p["port"] for p in service["spec"]["ports"]]:
        fail(where, f"{url}: Service {match.group(1)} has no port {match.group(2)}")
    return service


def check_k8s(directory):
    objects = load_k8s(directory)
    for kind in ("ConfigMap", "Secret", "Deployment", "Service", "HorizontalPodAutoscaler"):
        if not objects.of(kind):
            fail(directory, f"missing {kind}")
    skill = objects.get("Deployment", "hello-skill")
    configmap = objects.get("ConfigMap", "hello-skill-config")
    if skill is None or configmap is None:
        fail(directory, "missing the Deployment hello-skill or the ConfigMap hello-skill-config")
    if errors:
        return
    workloads = objects.of("Deployment") + objects.of("StatefulSet")
    for workload in workloads:
        check_workload(objects, workload)
    conf = ini_of(configmap)
    pod = skill["spec"]["template"]
    container = pod["spec"]["containers"][0]
    where = "deployment.yaml"
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    if conf.getint("http", "port", fallback=4242) not in ports.values():
        fail(where, "containerPort differs from skill.conf [http] port")
    for probe, path in (("livenessProbe", "/k8s/liveness"), ("readinessProbe", "/k8s/readiness")):
        if container.get(probe, {}).get("httpGet", {}).get("path") != path:
            fail(where, f"{probe} must GET {path}")
    drain = seconds(conf.get("http", "drain_timeout", fallback="30"))
    pause = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
    pause = float(pause[-1]) if pause and pause[0] == "sleep" else 0
    if pod["spec"].get("terminationGracePeriodSeconds", 30) < drain + pause:
        fail(where, f"terminationGracePeriodSeconds < preStop ({pause}s) + drain_timeout ({drain}s)")
    # Every Service selects a workload and targets one of its ports.
    for service in objects.of("Service"):
        name = service["metadata"]["name"]
        selected = [w for w in workloads if all(
            w["spec"]["template"]["metadata"]["labels"].get(k) == v
            for k, v in service["spec"]["selector"].items())]
        if not selected:
            fail(name, "selector matches no pod of a Deployment or StatefulSet")
            continue
        target = [p for c in selected[0]["spec"]["template"]["spec"]["containers"]
                  for p in c.get("ports", [])]
        for port in service["spec"]["ports"]:
            if port["targetPort"] not in [p["name"] for p in target] + [p["containerPort"] for p in target]:
                fail(name, f"targetPort {port['targetPort']} is no container port")
    # The skill reaches the stub replicas, and they reach their database.
    stub = objects.get("Deployment", "persistence-stub")
    url = conf.get("service-persistence", "url", fallback="")
    if stub is not None:
        service = service_for(objects, url, "configmap.yaml [service-persistence] url")
        if service is not None and any(stub["spec"]["template"]["metadata"]["labels"].get(k) != v
                                       for k, v in service["spec"]["selector"].items()):
            fail("configmap.yaml", f"{url} does not lead to the persistence-stub pods")
        if stub["spec"].get("replicas", 1) < 2:
            fail("persistence-stub.yaml", "two replicas at least (they share one database)")
        check_stub_database(objects, stub)
    for statefulset in objects.of("StatefulSet"):
        if objects.get("Service", statefulset["spec"]["serviceName"]) is None:
            fail(statefulset["metadata"]["name"], "serviceName names no Service")
    hpa = objects.of("HorizontalPodAutoscaler")[0]["spec"]
    if hpa["scaleTargetRef"]["name"] != skill["metadata"]["name"]:
        fail("hpa.yaml", "scaleTargetRef names no Deployment here")
    if not 1 <= hpa["minReplicas"] <= hpa["maxReplicas"]:
        fail("hpa.yaml", "minReplicas must be between 1 and maxReplicas")
    if objects.of("Kustomization"):
        listed = set(objects.of("Kustomization")[0]["resources"])
        present = {p.name for p in directory.glob("*.yaml")} - {"kustomization.yaml"}
        if listed != present:
            fail("kustomization.yaml", f"resources {sorted(listed)} != files {sorted(present)}")


def check_stub_database(objects, stub):
    """--db comes from a Secret, holds no password, and names the PostgreSQL Service (when
    postgres.yaml is there; else an external database)."""
    where = "persistence-stub.yaml"
    container = stub["spec"]["template"]["spec"]["containers"][0]
    args = container.get("args", [])
    if "--db" not in args[:-1]:
        return fail(where, "the stub needs --db in its args")
    value = args[args.index("--db") + 1]
    match = re.fullmatch(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", value)
    env = {v["name"]: v for v in container.get("env", [])}
    ref = env.get(match.group(1), {}).get("valueFrom", {}).get("secretKeyRef") if match else None
    if ref is None:
        return fail(where, "--db must be $(VAR) of an env from a Secret")
    url = secret_value(objects, ref["name"], ref["key"]) or ""
    check_database_url(f"Secret {ref['name']}.{ref['key']}", url)
    if "PGPASSWORD" not in env:
        fail(where, "PGPASSWORD must come from the Secret (the URL holds no password)")
    if objects.of("StatefulSet"):
        service = service_for(objects, url, f"Secret {ref['name']}.{ref['key']}")
        postgres = objects.get("StatefulSet", "postgres")
        if service is not None and postgres is not None and any(
                postgres["spec"]["template"]["metadata"]["labels"].get(k) != v
                for k, v in service["spec"]["selector"].items()):
            fail(where, f"{url} does not lead to the postgres pod")


def check_database_url(where, url):
    match = re.fullmatch(r"postgresql://([^:@/]+)(:[^@]*)?@([^:/]+):(\d+)/(\w+)", url)
    if not match:
        return fail(where, f"expected postgresql://USER@HOST:PORT/DATABASE, got {url!r}")
    if match.group(2):
        fail(where, "the URL carries a password: it would show in the process list (PGPASSWORD)")
    return match


# --- compose.yaml ------------------------------------------------------------------------

def compose_default(value):
    """'${VAR:-default}' -> default (what compose uses when VAR is not set)."""
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*:-([^}]*)\}", r"\1", str(value))


def check_compose(path):
    compose = yaml.safe_load(path.read_text())
    services = compose.get("services", {})
    for name in ("hello-skill", "persistence-stub", "postgres"):
        if name not in services:
            fail(path, f"missing service {name}")
    if errors:
        return
    for name, service in services.items():
        dockerfile = path.parent / service["build"]["context"] / service["build"]["dockerfile"]
        if not dockerfile.is_file():
            fail(path, f"{name}: no {dockerfile}")
        elif not dockerfile.with_name(dockerfile.name + ".dockerignore").is_file():
            fail(path, f"{name}: no {dockerfile.name}.dockerignore (the context is the repository)")
        if "image" not in service:
            fail(path, f"{name}: name the image (CI builds it with podman, compose uses it)")
        for dep in service.get("depends_on", {}):
            if dep not in services:
                fail(path, f"{name} depends on unknown {dep}")
    named = compose.get("volumes") or {}
    volumes = [v.split(":")[0] for v in services["postgres"].get("volumes", [])]
    if not volumes or volumes[0] not in named:
        fail(path, "the database must be on a named volume")
    url = services["hello-skill"].get("environment", {}).get("SERVICE_PERSISTENCE_URL", "")
    if url != "http://persistence-stub:1555":
        fail(path, f"SERVICE_PERSISTENCE_URL should reach the stub service: {url}")
    stub = services["persistence-stub"]
    if int(stub.get("deploy", {}).get("replicas", 1)) < 2:
        fail(path, "persistence-stub: deploy.replicas 2 at least (they share one database)")
    if "postgres" not in stub.get("depends_on", {}):
        fail(path, "persistence-stub must depend on postgres")
    command = [compose_default(c) for c in stub.get("command", [])]
    if "--db" not in command[:-1]:
        return fail(path, "persistence-stub: command must give --db")
    match = check_database_url(f"{path}: persistence-stub --db", command[command.index("--db") + 1])
    if match and (match.group(3), match.group(4)) != ("postgres", "5432"):
        fail(path, f"persistence-stub --db should name the postgres service: {match.group(0)}")
    password = services["postgres"].get("environment", {}).get("POSTGRES_PASSWORD")
    if password is None or stub.get("environment", {}).get("PGPASSWORD") != password:
        fail(path, "persistence-stub's PGPASSWORD must be postgres' POSTGRES_PASSWORD")


def main():
    args = sys.argv[1:]
    if args and args[0] == "--dockerfile":  # a skill project's Dockerfile (the scaffold's)
        check_dockerfile(pathlib.Path(args[1]), 4242, build_script="./build.sh")
        return report()
    prefix = None
    if "--prefix" in args:
        i = args.index("--prefix")
        prefix = args[i + 1]
        del args[i:i + 2]
    repo = pathlib.Path(args[0] if args else ".")
    docker = repo / "docker"
    check_dockerfile(docker / "Dockerfile", 4242, prefix)
    check_dockerfile(docker / "persistence-stub.Dockerfile", 1555, prefix)
    check_shared_sdk_stage([docker / "Dockerfile", docker / "persistence-stub.Dockerfile"])
    check_postgres_dockerfile(docker / "postgres.Dockerfile", repo)
    check_k8s(docker / "k8s")
    check_compose(docker / "compose.yaml")
    return report()


def report():
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    print(f"check_deploy: {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
