#!/usr/bin/env python3
"""Static checks of docker/ without a Docker engine or a cluster (tools/ci/check-docker.sh).

  check_deploy.py REPO [--prefix DIR]
  check_deploy.py --dockerfile PATH      (a skill project made by tools/new-skill.sh)

Dockerfiles: stages, non-root user, EXPOSE, HEALTHCHECK, exec-form ENTRYPOINT, STOPSIGNAL,
and build steps that only call the build script CI also runs (with --prefix: every file the
runtime stage copies out of the build stage exists in the CI-built prefix).
k8s: a field schema per kind (catches misspelt fields), and the cross-references kubectl
would only find at apply time (labels, names, ports, probes, grace period vs. drain).
compose.yaml: services, the named volume, the persistence URL.
"""
import configparser
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


def check_dockerfile(path, port, prefix=None, build_script="docker/build.sh"):
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
        if word == "RUN" and build_script not in rest:
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


# --- Kubernetes --------------------------------------------------------------------------

ANY = object()  # a field whose content is not checked further
META = {"name": str, "labels": dict, "annotations": dict, "namespace": str}
PROBE = {"httpGet": {"path": str, "port": ANY, "scheme": str}, "periodSeconds": int,
         "timeoutSeconds": int, "failureThreshold": int, "successThreshold": int,
         "initialDelaySeconds": int}
CONTAINER = {
    "name": str, "image": str, "imagePullPolicy": str, "args": list, "command": list,
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
SCHEMAS = {
    ("v1", "ConfigMap"): {"data": dict},
    ("v1", "Secret"): {"type": str, "stringData": dict, "data": dict},
    ("v1", "Service"): {"spec": {"type": str, "selector": dict,
                                 "ports": [{"name": str, "port": int, "targetPort": ANY,
                                            "protocol": str}]}},
    ("apps/v1", "Deployment"): {"spec": {
        "replicas": int, "revisionHistoryLimit": int, "selector": {"matchLabels": dict},
        "strategy": {"type": str, "rollingUpdate": {"maxUnavailable": ANY, "maxSurge": ANY}},
        "template": {"metadata": META, "spec": {
            "terminationGracePeriodSeconds": int, "containers": [CONTAINER],
            "securityContext": {"runAsNonRoot": bool, "runAsUser": int, "runAsGroup": int,
                                "fsGroup": int, "seccompProfile": {"type": str}},
            "volumes": [{"name": str, "configMap": {"name": str}, "secret": {"secretName": str}}],
        }}}},
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


def load_k8s(directory):
    objects = {}
    for path in sorted(directory.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            kind, api = doc.get("kind"), doc.get("apiVersion")
            schema = SCHEMAS.get((api, kind))
            if schema is None:
                fail(path, f"unexpected kind {api}/{kind}")
                continue
            top = {"apiVersion": str, "kind": str, "metadata": META, **schema}
            check_schema(f"{path.name}:{kind}", doc, top)
            objects[kind] = (path, doc)
    return objects


def ini_of(configmap):
    parser = configparser.ConfigParser(comment_prefixes=(";", "#"), interpolation=None)
    parser.read_string(configmap["data"]["skill.conf"])
    return parser


def seconds(text):
    match = re.fullmatch(r"([\d.]+)\s*(ms|s|m)?", text.strip())
    value = float(match.group(1))
    return value / 1000 if match.group(2) == "ms" else value * 60 if match.group(2) == "m" else value


def check_k8s(directory):
    objects = load_k8s(directory)
    for kind in ("ConfigMap", "Secret", "Deployment", "Service", "HorizontalPodAutoscaler"):
        if kind not in objects:
            fail(directory, f"missing {kind}")
    if errors:
        return
    conf = ini_of(objects["ConfigMap"][1])
    deploy = objects["Deployment"][1]
    pod = deploy["spec"]["template"]
    labels = pod["metadata"]["labels"]
    container = pod["spec"]["containers"][0]
    where = "deployment.yaml"
    if any(labels.get(k) != v for k, v in deploy["spec"]["selector"]["matchLabels"].items()):
        fail(where, "selector does not match the pod labels")
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    if conf.getint("http", "port", fallback=4242) not in ports.values():
        fail(where, "containerPort differs from skill.conf [http] port")
    for probe, path in (("livenessProbe", "/k8s/liveness"), ("readinessProbe", "/k8s/readiness")):
        if container.get(probe, {}).get("httpGet", {}).get("path") != path:
            fail(where, f"{probe} must GET {path}")
    for part in ("requests", "limits"):
        if not {"cpu", "memory"} <= set(container.get("resources", {}).get(part, {})):
            fail(where, f"resources.{part} needs cpu and memory")
    drain = seconds(conf.get("http", "drain_timeout", fallback="30"))
    pause = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
    pause = float(pause[-1]) if pause and pause[0] == "sleep" else 0
    if pod["spec"].get("terminationGracePeriodSeconds", 30) < drain + pause:
        fail(where, f"terminationGracePeriodSeconds < preStop ({pause}s) + drain_timeout ({drain}s)")
    if not pod["spec"].get("securityContext", {}).get("runAsNonRoot"):
        fail(where, "pod must run as non-root")
    secret = objects["Secret"][1]
    for env in container.get("env", []):
        ref = env.get("valueFrom", {}).get("secretKeyRef")
        if ref and (ref["name"] != secret["metadata"]["name"] or
                    ref["key"] not in {**secret.get("stringData", {}), **secret.get("data", {})}):
            fail(where, f"env {env['name']} refers to a missing secret key {ref}")
    for volume in pod["spec"].get("volumes", []):
        if "configMap" in volume and volume["configMap"]["name"] != objects["ConfigMap"][1]["metadata"]["name"]:
            fail(where, f"volume {volume['name']} refers to a missing ConfigMap")
    service = objects["Service"][1]["spec"]
    if any(labels.get(k) != v for k, v in service["selector"].items()):
        fail("service.yaml", "selector matches no pod of the Deployment")
    for port in service["ports"]:
        if port["targetPort"] not in ports and port["targetPort"] not in ports.values():
            fail("service.yaml", f"targetPort {port['targetPort']} is no container port")
    hpa = objects["HorizontalPodAutoscaler"][1]["spec"]
    if hpa["scaleTargetRef"]["name"] != deploy["metadata"]["name"]:
        fail("hpa.yaml", "scaleTargetRef names no Deployment here")
    if not 1 <= hpa["minReplicas"] <= hpa["maxReplicas"]:
        fail("hpa.yaml", "minReplicas must be between 1 and maxReplicas")
    if "Kustomization" in objects:
        listed = set(objects["Kustomization"][1]["resources"])
        present = {p.name for p in directory.glob("*.yaml")} - {"kustomization.yaml"}
        if listed != present:
            fail("kustomization.yaml", f"resources {sorted(listed)} != files {sorted(present)}")


# --- compose.yaml ------------------------------------------------------------------------

def check_compose(path):
    compose = yaml.safe_load(path.read_text())
    services = compose.get("services", {})
    for name in ("hello-skill", "persistence-stub"):
        if name not in services:
            fail(path, f"missing service {name}")
    if errors:
        return
    for name, service in services.items():
        dockerfile = path.parent / service["build"]["context"] / service["build"]["dockerfile"]
        if not dockerfile.is_file():
            fail(path, f"{name}: no {dockerfile}")
        for dep in service.get("depends_on", {}):
            if dep not in services:
                fail(path, f"{name} depends on unknown {dep}")
    volumes = [v.split(":")[0] for v in services["persistence-stub"].get("volumes", [])]
    if not volumes or volumes[0] not in (compose.get("volumes") or {}):
        fail(path, "the stub's database must be on a named volume")
    url = services["hello-skill"].get("environment", {}).get("SERVICE_PERSISTENCE_URL", "")
    if url != "http://persistence-stub:1555":
        fail(path, f"SERVICE_PERSISTENCE_URL should reach the stub service: {url}")


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
