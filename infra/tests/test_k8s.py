"""The Kubernetes manifests cdk8s generates, for the local cluster and for any cluster."""

from urllib.parse import urlsplit

import processes
import pytest
from main import SECRET_NAME, TARGETS

TARGET_NAMES = list(TARGETS)


def objects(manifests, target, kind):
    return {o["metadata"]["name"]: o for o in manifests[target] if o["kind"] == kind}


def pod_spec(workload):
    return workload["spec"]["template"]["spec"]


def app_workloads(manifests, target):
    """Every workload running the μblog image: {process: workload}."""
    deployments = objects(manifests, target, "Deployment")
    jobs = objects(manifests, target, "Job")
    return {
        "web": deployments["ublog-web"],
        "worker": deployments["ublog-worker"],
        "beat": deployments["ublog-beat"],
        "migrate": jobs["ublog-migrate"],
    }


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_each_process_runs_its_command_from_the_one_list(manifests, target):
    for process, workload in app_workloads(manifests, target).items():
        (container,) = pod_spec(workload)["containers"]

        assert container["command"] == list(processes.PROCESSES[process].command)
        assert container["image"] == TARGETS[target].image


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_each_process_gets_the_variables_of_the_one_list(manifests, target):
    (config,) = objects(manifests, target, "ConfigMap").values()
    for process, workload in app_workloads(manifests, target).items():
        (container,) = pod_spec(workload)["containers"]
        names = {variable["name"] for variable in container["env"]}
        names |= set(config["data"]) - {"SECURE_SSL_REDIRECT"}

        assert container["envFrom"] == [{"configMapRef": {"name": config["metadata"]["name"]}}]
        assert names == processes.environment_names(processes.PROCESSES[process]), process


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_secrets_are_referenced_never_included(manifests, target):
    assert objects(manifests, target, "Secret") == {}
    for process, workload in app_workloads(manifests, target).items():
        (container,) = pod_spec(workload)["containers"]
        secret_refs = {
            variable["name"]: variable["valueFrom"]["secretKeyRef"]
            for variable in container["env"]
            if "valueFrom" in variable
        }

        assert secret_refs == {
            name: {"key": name, "name": SECRET_NAME} for name in processes.SECRETS
        }, process
    (config,) = objects(manifests, target, "ConfigMap").values()
    assert not set(config["data"]) & set(processes.SECRETS)
    assert urlsplit(config["data"]["DATABASE_URL"]).password is None


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_web_has_a_service_an_ingress_and_healthz_probes(manifests, target):
    web = app_workloads(manifests, target)["web"]
    (container,) = pod_spec(web)["containers"]
    service = objects(manifests, target, "Service")["ublog-web"]
    (ingress,) = objects(manifests, target, "Ingress").values()
    (rule,) = ingress["spec"]["rules"]

    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == processes.HEALTH_PATH
        assert container[probe]["httpGet"]["port"] == processes.WEB_PORT
    assert service["spec"]["ports"][0]["targetPort"] == processes.WEB_PORT
    assert (
        service["spec"]["selector"].items()
        <= web["spec"]["template"]["metadata"]["labels"].items()
    )
    assert rule["host"] == TARGETS[target].host
    assert rule["http"]["paths"][0]["backend"]["service"]["name"] == "ublog-web"
    assert bool(ingress["spec"].get("tls")) is TARGETS[target].tls


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_web_and_worker_scale_with_a_horizontal_pod_autoscaler(manifests, target):
    autoscalers = objects(manifests, target, "HorizontalPodAutoscaler")
    bounds = {"web": TARGETS[target].web_replicas, "worker": TARGETS[target].worker_replicas}

    assert sorted(autoscalers) == ["ublog-web", "ublog-worker"]
    for process, (low, high) in bounds.items():
        spec = autoscalers[f"ublog-{process}"]["spec"]
        assert spec["scaleTargetRef"]["name"] == f"ublog-{process}"
        assert (spec["minReplicas"], spec["maxReplicas"]) == (low, high)
        # The autoscaler owns the count: a fixed one in the Deployment would fight it.
        assert "replicas" not in app_workloads(manifests, target)[process]["spec"]


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_beat_is_one_replica_replaced_with_recreate(manifests, target):
    beats = [
        workload
        for workload in objects(manifests, target, "Deployment").values()
        if pod_spec(workload)["containers"][0]["command"] == list(processes.BEAT.command)
    ]

    assert len(beats) == 1
    assert beats[0]["spec"]["replicas"] == 1
    assert beats[0]["spec"]["strategy"] == {"type": "Recreate"}


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_migrations_run_in_a_job_that_new_pods_wait_for(manifests, target):
    job = app_workloads(manifests, target)["migrate"]

    assert pod_spec(job)["restartPolicy"] == "Never"
    assert job["spec"]["backoffLimit"] == 3
    for process in ("web", "worker", "beat"):
        (init,) = pod_spec(app_workloads(manifests, target)[process])["initContainers"]
        assert init["command"] == ["python", "manage.py", "migrate", "--check"]


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_every_container_is_limited_non_root_and_read_only(manifests, target):
    workloads = list(app_workloads(manifests, target).values())
    workloads += list(objects(manifests, target, "StatefulSet").values())
    for workload in workloads:
        spec = pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["automountServiceAccountToken"] is False
        for container in spec["containers"] + spec.get("initContainers", []):
            context = container["securityContext"]
            assert container["resources"]["requests"] and container["resources"]["limits"]
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"] == {"drop": ["ALL"]}


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_web_has_a_pod_disruption_budget(manifests, target):
    (budget,) = objects(manifests, target, "PodDisruptionBudget").values()

    assert budget["spec"]["minAvailable"] == 1
    assert budget["spec"]["selector"]["matchLabels"] == {"ublog/process": "web"}


def test_the_local_cluster_runs_postgresql_and_redis_marked_local_only(manifests):
    statefulsets = objects(manifests, "local", "StatefulSet")

    assert sorted(statefulsets) == ["postgres", "redis"]
    for workload in statefulsets.values():
        assert workload["metadata"]["labels"]["ublog/local-only"] == "true"
        assert workload["spec"]["replicas"] == 1


def test_any_other_cluster_names_external_postgresql_and_redis(manifests):
    services = objects(manifests, "cluster", "Service")

    assert objects(manifests, "cluster", "StatefulSet") == {}
    assert services["postgres"]["spec"] == {
        "type": "ExternalName",
        "externalName": TARGETS["cluster"].database_host,
    }
    assert services["redis"]["spec"]["externalName"] == TARGETS["cluster"].redis_host


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_network_policies_admit_only_web_traffic_and_the_apps_pods_to_the_data(manifests, target):
    policies = objects(manifests, target, "NetworkPolicy")
    web = policies["ublog-web"]["spec"]["ingress"]

    assert web == [{"ports": [{"port": processes.WEB_PORT}]}]
    for name in ("worker", "beat", "migrate"):
        assert policies[f"ublog-{name}"]["spec"] == {
            "podSelector": {"matchLabels": {"ublog/process": name}},
            "policyTypes": ["Ingress"],
            "ingress": [],
        }
    if TARGETS[target].local_data:
        for name in ("postgres", "redis"):
            (rule,) = policies[f"ublog-{name}"]["spec"]["ingress"]
            assert rule["from"] == [{"podSelector": {"matchLabels": {"ublog/role": "app"}}}]
        for workload in app_workloads(manifests, target).values():
            assert workload["spec"]["template"]["metadata"]["labels"]["ublog/role"] == "app"
