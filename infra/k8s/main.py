"""μblog's Kubernetes manifests, generated with cdk8s: `python main.py` writes dist/<target>/.

Two targets share one chart: `local` (minikube or kind: the image loaded into the cluster,
PostgreSQL and Redis as local-only StatefulSets, media on a volume) and `cluster` (any conformant
cluster: PostgreSQL and Redis are external services named by ExternalName Services, media in
S3). Secret values never appear here: the pods read the Secret `ublog-secrets`, which you create
(docs/deploy.md). Overrides: UBLOG_IMAGE, UBLOG_HOST, UBLOG_DATABASE_HOST, UBLOG_REDIS_HOST,
UBLOG_BUCKET.
"""

import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cdk8s
import cdk8s_plus_31 as kplus
from cdk8s_plus_31 import k8s
from constructs import Construct

INFRA_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(INFRA_DIR))

import processes  # noqa: E402

SECRET_NAME = "ublog-secrets"
# The image's working directory holds manage.py; uploads go to /app/media (MEDIA_ROOT's default).
MEDIA_PATH = "/app/media"
# The same versions as the CI service containers (.github/workflows/ci.yml).
POSTGRES_IMAGE = "postgres:15.19"
REDIS_IMAGE = "redis:7.0.15"
# A non-root user and group for every container (the image's files are world-readable).
USER, GROUP = 10001, 10001
# The label every pod of the app carries: the data stores' NetworkPolicies admit only these.
APP_LABEL = {"ublog/role": "app"}

# checkov findings that do not apply, each with its reason (annotations `checkov.io/skipN`).
IMAGE_SKIPS = {
    "CKV_K8S_14": "local: the image is built into the cluster (no registry); cluster: set "
    "UBLOG_IMAGE to the pushed image's digest.",
    "CKV_K8S_43": "See CKV_K8S_14: the deploy names the image by its digest (ublog@sha256:...).",
    "CKV_K8S_15": "A digest-pinned image cannot change, so IfNotPresent pulls it once; the "
    "local image exists only in the cluster.",
}
SECRET_SKIPS = {
    "CKV_K8S_35": "Django reads its settings from the environment (twelve-factor); the Secret "
    "itself is guarded by RBAC.",
}
NO_TRAFFIC_SKIPS = {
    "CKV_K8S_8": "Receives no traffic and serves no port: Celery exits on a fatal broker error "
    "and the kubelet restarts it.",
    "CKV_K8S_9": "No Service routes to it, so readiness gates nothing.",
}


def checkov_skips(skips: dict[str, str]) -> dict[str, str]:
    """Annotations that make checkov skip each check, with the reason beside it."""
    return {
        f"checkov.io/skip{number}": f"{check}={reason}"
        for number, (check, reason) in enumerate(skips.items(), start=1)
    }


@dataclass(frozen=True)
class Target:
    name: str
    image: str
    host: str
    web_replicas: tuple[int, int]
    worker_replicas: tuple[int, int]
    # local: PostgreSQL and Redis run in the cluster (StatefulSets, local only).
    local_data: bool
    database_host: str = "postgres"
    redis_host: str = "redis"
    bucket: str = ""
    tls: bool = False


TARGETS = {
    "local": Target(
        name="local",
        image="ublog:latest",
        host="ublog.localhost",
        web_replicas=(1, 3),
        worker_replicas=(1, 2),
        local_data=True,
    ),
    "cluster": Target(
        name="cluster",
        image="registry.example.com/ublog:latest",
        host="ublog.example.com",
        web_replicas=(2, 10),
        worker_replicas=(1, 6),
        local_data=False,
        database_host="postgres.example.internal",
        redis_host="redis.example.internal",
        bucket="ublog-media",
        tls=True,
    ),
}


def from_environment(target: Target) -> Target:
    """A target with the UBLOG_* overrides applied."""
    overrides: dict[str, Any] = {
        field: os.environ[variable]
        for field, variable in [
            ("image", "UBLOG_IMAGE"),
            ("host", "UBLOG_HOST"),
            ("database_host", "UBLOG_DATABASE_HOST"),
            ("redis_host", "UBLOG_REDIS_HOST"),
            ("bucket", "UBLOG_BUCKET"),
        ]
        if os.environ.get(variable)
    }
    return replace(target, **overrides)


class UblogChart(cdk8s.Chart):
    def __init__(self, scope: Construct, construct_id: str, *, target: Target) -> None:
        super().__init__(
            scope,
            construct_id,
            namespace="ublog",
            labels={"app.kubernetes.io/part-of": "ublog"},
            disable_resource_name_hashes=True,
        )
        self.target = target
        kplus.Namespace(self, "namespace", metadata=cdk8s.ApiObjectMetadata(name="ublog"))
        scheme = "https" if target.tls else "http"
        self.config = kplus.ConfigMap(
            self,
            "config",
            metadata=cdk8s.ApiObjectMetadata(name="ublog-config"),
            data={
                "DJANGO_SETTINGS_MODULE": processes.SETTINGS_MODULE,
                # No password in the URL: DATABASE_PASSWORD comes from the Secret.
                "DATABASE_URL": "postgres://ublog@postgres:5432/ublog",
                "REDIS_URL": "redis://redis:6379/0",
                "ALLOWED_HOSTS": target.host,
                "CSRF_TRUSTED_ORIGINS": f"{scheme}://{target.host}",
                "SITE_URL": f"{scheme}://{target.host}",
                # Without a bucket the web pods serve uploads from the shared media volume.
                "SERVE_MEDIA": "false" if target.bucket else "true",
                "AWS_STORAGE_BUCKET_NAME": target.bucket,
                "SECURE_SSL_REDIRECT": "true" if target.tls else "false",
            },
        )
        self.secret = kplus.Secret.from_secret_name(self, "secret", SECRET_NAME)
        self.media = (
            None
            if target.bucket
            else kplus.PersistentVolumeClaim(
                self,
                "media",
                metadata=cdk8s.ApiObjectMetadata(name="ublog-media"),
                access_modes=[kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
                storage=cdk8s.Size.gibibytes(1),
            )
        )

        if target.local_data:
            self.local_postgres()
            self.local_redis()
        else:
            for name, host in [("postgres", target.database_host), ("redis", target.redis_host)]:
                k8s.KubeService(
                    self,
                    f"{name}-external",
                    metadata=k8s.ObjectMeta(name=name),
                    spec=k8s.ServiceSpec(type="ExternalName", external_name=host),
                )

        web = self.deployment("web", processes.WEB)
        web_service = web.expose_via_service(
            name="ublog-web",
            ports=[kplus.ServicePort(port=80, target_port=processes.WEB_PORT)],
        )
        kplus.Ingress(
            self,
            "ingress",
            metadata=cdk8s.ApiObjectMetadata(name="ublog"),
            class_name="nginx",
            rules=[
                kplus.IngressRule(
                    host=target.host,
                    path="/",
                    backend=kplus.IngressBackend.from_service(web_service),
                )
            ],
            tls=(
                [kplus.IngressTls(hosts=[target.host], secret=self.tls_secret())]
                if target.tls
                else None
            ),
        )
        k8s.KubePodDisruptionBudget(
            self,
            "web-pdb",
            metadata=k8s.ObjectMeta(name="ublog-web"),
            spec=k8s.PodDisruptionBudgetSpec(
                min_available=k8s.IntOrString.from_number(1),
                selector=k8s.LabelSelector(match_labels={"ublog/process": "web"}),
            ),
        )
        self.autoscaler("web", web, target.web_replicas)

        worker = self.deployment("worker", processes.WORKER)
        self.autoscaler("worker", worker, target.worker_replicas)
        # One scheduler only: Recreate stops the old pod before the new one starts.
        self.deployment(
            "beat",
            processes.BEAT,
            replicas=1,
            strategy=kplus.DeploymentStrategy.recreate(),
        )
        self.migration_job()
        self.network_policies(local_data=target.local_data)

    def network_policies(self, local_data: bool) -> None:
        """No pod accepts connections but the web pods' port, and, locally, the data stores
        from the app's pods (the security groups' rule on AWS)."""
        rules = {
            "web": [
                k8s.NetworkPolicyIngressRule(
                    ports=[
                        k8s.NetworkPolicyPort(port=k8s.IntOrString.from_number(processes.WEB_PORT))
                    ]
                )
            ],
            "worker": [],
            "beat": [],
            "migrate": [],
        }
        if local_data:
            for name, port in [("postgres", 5432), ("redis", 6379)]:
                rules[name] = [
                    k8s.NetworkPolicyIngressRule(
                        from_=[
                            k8s.NetworkPolicyPeer(
                                pod_selector=k8s.LabelSelector(match_labels=APP_LABEL)
                            )
                        ],
                        ports=[k8s.NetworkPolicyPort(port=k8s.IntOrString.from_number(port))],
                    )
                ]
        for name, ingress in rules.items():
            k8s.KubeNetworkPolicy(
                self,
                f"{name}-network",
                metadata=k8s.ObjectMeta(name=f"ublog-{name}"),
                spec=k8s.NetworkPolicySpec(
                    pod_selector=k8s.LabelSelector(match_labels={"ublog/process": name}),
                    policy_types=["Ingress"],
                    ingress=ingress,
                ),
            )

    # --- The app's workloads ----------------------------------------------------------------
    def container(
        self,
        process: processes.Process,
        name: str | None = None,
        command: list[str] | None = None,
    ) -> kplus.ContainerProps:
        web = process is processes.WEB
        return kplus.ContainerProps(
            name=name or process.name,
            image=self.target.image,
            image_pull_policy=kplus.ImagePullPolicy.IF_NOT_PRESENT,
            command=list(command or process.command),
            env_from=[kplus.Env.from_config_map(self.config)],
            env_variables={
                name: kplus.EnvValue.from_secret_value(
                    kplus.SecretValue(secret=self.secret, key=name)
                )
                for name in processes.SECRETS
            }
            | (
                {
                    "PORT": kplus.EnvValue.from_value(str(processes.WEB_PORT)),
                    "GUNICORN_WORKERS": kplus.EnvValue.from_value("2"),
                    "GUNICORN_THREADS": kplus.EnvValue.from_value("4"),
                }
                if web
                else {}
            ),
            port_number=processes.WEB_PORT if web else None,
            readiness=(
                kplus.Probe.from_http_get(
                    processes.HEALTH_PATH,
                    period_seconds=cdk8s.Duration.seconds(10),
                    failure_threshold=3,
                )
                if web
                else None
            ),
            liveness=(
                kplus.Probe.from_http_get(
                    processes.HEALTH_PATH,
                    initial_delay_seconds=cdk8s.Duration.seconds(10),
                    period_seconds=cdk8s.Duration.seconds(20),
                    failure_threshold=3,
                )
                if web
                else None
            ),
            resources=kplus.ContainerResources(
                cpu=kplus.CpuResources(
                    request=kplus.Cpu.millis(250 if web else 100),
                    limit=kplus.Cpu.millis(1000 if web else 500),
                ),
                memory=kplus.MemoryResources(
                    request=cdk8s.Size.mebibytes(256 if web else 192),
                    limit=cdk8s.Size.mebibytes(512 if web else 384),
                ),
            ),
            security_context=kplus.ContainerSecurityContextProps(
                ensure_non_root=True,
                user=USER,
                group=GROUP,
                read_only_root_filesystem=True,
                allow_privilege_escalation=False,
                capabilities=kplus.ContainerSecutiryContextCapabilities(
                    drop=[kplus.Capability.ALL]
                ),
                seccomp_profile=kplus.SeccompProfile(
                    type=kplus.SeccompProfileType.RUNTIME_DEFAULT
                ),
            ),
        )

    def pod_volumes(self, workload: kplus.AbstractPod, process: processes.Process) -> None:
        """/tmp (gunicorn's heartbeat files, beat's schedule) and, locally, the media volume."""
        tmp = kplus.Volume.from_empty_dir(self, f"{process.name}-tmp", "tmp")
        workload.containers[0].mount("/tmp", tmp)
        if self.media is not None and process in (processes.WEB, processes.WORKER):
            media = kplus.Volume.from_persistent_volume_claim(
                self, f"{process.name}-media", self.media
            )
            workload.containers[0].mount(MEDIA_PATH, media)

    def deployment(
        self,
        name: str,
        process: processes.Process,
        replicas: int | None = None,
        strategy: kplus.DeploymentStrategy | None = None,
    ) -> kplus.Deployment:
        """A Deployment; without `replicas` its HorizontalPodAutoscaler sets the count."""
        skips = IMAGE_SKIPS | SECRET_SKIPS | ({} if process is processes.WEB else NO_TRAFFIC_SKIPS)
        deployment = kplus.Deployment(
            self,
            name,
            metadata=cdk8s.ApiObjectMetadata(
                name=f"ublog-{name}", annotations=checkov_skips(skips)
            ),
            replicas=replicas,
            strategy=strategy,
            pod_metadata=cdk8s.ApiObjectMetadata(labels={"ublog/process": name, **APP_LABEL}),
            security_context=kplus.PodSecurityContextProps(
                ensure_non_root=True, user=USER, group=GROUP, fs_group=GROUP
            ),
            automount_service_account_token=False,
            # New pods wait until the migration Job has brought the schema up to date.
            init_containers=[
                self.container(
                    processes.MIGRATE,
                    name="wait-for-migrations",
                    command=[*processes.MIGRATE.command[:3], "--check"],
                )
            ],
            containers=[self.container(process)],
            termination_grace_period=cdk8s.Duration.seconds(30),
        )
        deployment.select(kplus.LabelSelector.of(labels={"ublog/process": name}))
        self.pod_volumes(deployment, process)
        return deployment

    def autoscaler(
        self, name: str, deployment: kplus.Deployment, replicas: tuple[int, int]
    ) -> None:
        kplus.HorizontalPodAutoscaler(
            self,
            f"{name}-hpa",
            metadata=cdk8s.ApiObjectMetadata(name=f"ublog-{name}"),
            target=deployment,
            min_replicas=replicas[0],
            max_replicas=replicas[1],
            metrics=[kplus.Metric.resource_cpu(kplus.MetricTarget.average_utilization(70))],
        )

    def migration_job(self) -> kplus.Job:
        job = kplus.Job(
            self,
            "migrate",
            metadata=cdk8s.ApiObjectMetadata(
                name="ublog-migrate", annotations=checkov_skips(IMAGE_SKIPS | SECRET_SKIPS)
            ),
            backoff_limit=3,
            active_deadline=cdk8s.Duration.minutes(15),
            ttl_after_finished=cdk8s.Duration.hours(24),
            pod_metadata=cdk8s.ApiObjectMetadata(labels={"ublog/process": "migrate", **APP_LABEL}),
            security_context=kplus.PodSecurityContextProps(
                ensure_non_root=True, user=USER, group=GROUP
            ),
            automount_service_account_token=False,
            containers=[self.container(processes.MIGRATE)],
        )
        self.pod_volumes(job, processes.MIGRATE)
        return job

    def tls_secret(self) -> kplus.ISecret:
        return kplus.Secret.from_secret_name(self, "tls", "ublog-tls")

    # --- Local-only data stores -------------------------------------------------------------
    def local_statefulset(
        self, name: str, image: str, port: int, run_path: str, container: dict[str, Any]
    ) -> None:
        """A one-replica StatefulSet and its Service. LOCAL ONLY: no backups, no replicas.

        `run_path` is the one writable directory besides /data (PostgreSQL's socket)."""
        labels = {"ublog/local-only": "true", "ublog/process": name}
        k8s.KubeService(
            self,
            f"{name}-service",
            metadata=k8s.ObjectMeta(name=name, labels=labels),
            spec=k8s.ServiceSpec(
                selector={"ublog/process": name},
                ports=[k8s.ServicePort(port=port, target_port=k8s.IntOrString.from_number(port))],
            ),
        )
        k8s.KubeStatefulSet(
            self,
            name,
            metadata=k8s.ObjectMeta(
                name=name,
                labels=labels,
                annotations=checkov_skips(
                    {
                        "CKV_K8S_43": "Local only: the same release tag as the CI service "
                        "container; production uses an external service.",
                        "CKV_K8S_15": "Local only: a release tag, pulled once.",
                        **SECRET_SKIPS,
                    }
                ),
            ),
            spec=k8s.StatefulSetSpec(
                service_name=name,
                replicas=1,
                selector=k8s.LabelSelector(match_labels={"ublog/process": name}),
                template=k8s.PodTemplateSpec(
                    metadata=k8s.ObjectMeta(labels=labels),
                    spec=k8s.PodSpec(
                        automount_service_account_token=False,
                        security_context=k8s.PodSecurityContext(
                            run_as_non_root=True,
                            run_as_user=USER,
                            run_as_group=GROUP,
                            fs_group=GROUP,
                            seccomp_profile=k8s.SeccompProfile(type="RuntimeDefault"),
                        ),
                        volumes=[k8s.Volume(name="run", empty_dir=k8s.EmptyDirVolumeSource())],
                        containers=[
                            k8s.Container(
                                name=name,
                                image=image,
                                image_pull_policy="IfNotPresent",
                                ports=[k8s.ContainerPort(container_port=port)],
                                resources=k8s.ResourceRequirements(
                                    requests={
                                        "cpu": k8s.Quantity.from_string("100m"),
                                        "memory": k8s.Quantity.from_string("128Mi"),
                                    },
                                    limits={
                                        "cpu": k8s.Quantity.from_string("500m"),
                                        "memory": k8s.Quantity.from_string("512Mi"),
                                    },
                                ),
                                volume_mounts=[
                                    k8s.VolumeMount(name="data", mount_path="/data"),
                                    k8s.VolumeMount(name="run", mount_path=run_path),
                                ],
                                security_context=k8s.SecurityContext(
                                    allow_privilege_escalation=False,
                                    read_only_root_filesystem=True,
                                    capabilities=k8s.Capabilities(drop=["ALL"]),
                                ),
                                **container,
                            )
                        ],
                    ),
                ),
                volume_claim_templates=[
                    k8s.KubePersistentVolumeClaimProps(
                        metadata=k8s.ObjectMeta(name="data"),
                        spec=k8s.PersistentVolumeClaimSpec(
                            access_modes=["ReadWriteOnce"],
                            resources=k8s.VolumeResourceRequirements(
                                requests={"storage": k8s.Quantity.from_string("1Gi")}
                            ),
                        ),
                    )
                ],
            ),
        )

    def local_postgres(self) -> None:
        probe = k8s.Probe(
            exec=k8s.ExecAction(command=["pg_isready", "-U", "ublog", "-d", "ublog"]),
            period_seconds=10,
        )
        self.local_statefulset(
            "postgres",
            POSTGRES_IMAGE,
            5432,
            "/var/run/postgresql",
            dict(
                env=[
                    k8s.EnvVar(name="POSTGRES_USER", value="ublog"),
                    k8s.EnvVar(name="POSTGRES_DB", value="ublog"),
                    k8s.EnvVar(name="PGDATA", value="/data/pgdata"),
                    k8s.EnvVar(
                        name="POSTGRES_PASSWORD",
                        value_from=k8s.EnvVarSource(
                            secret_key_ref=k8s.SecretKeySelector(
                                name=SECRET_NAME, key="DATABASE_PASSWORD"
                            )
                        ),
                    ),
                ],
                readiness_probe=probe,
                liveness_probe=probe,
            ),
        )

    def local_redis(self) -> None:
        probe = k8s.Probe(exec=k8s.ExecAction(command=["redis-cli", "ping"]), period_seconds=10)
        self.local_statefulset(
            "redis",
            REDIS_IMAGE,
            6379,
            "/tmp",
            dict(
                args=["--appendonly", "yes", "--dir", "/data"],
                readiness_probe=probe,
                liveness_probe=probe,
            ),
        )


def synth(outdir: str | Path, targets: dict[str, Target] = TARGETS) -> list[Path]:
    """Write each target's manifest to outdir/<target>/ and return the files written."""
    written: list[Path] = []
    for name, target in targets.items():
        app = cdk8s.App(outdir=str(Path(outdir) / name), output_file_extension=".k8s.yaml")
        UblogChart(app, "ublog", target=from_environment(target))
        app.synth()
        written += sorted((Path(outdir) / name).glob("*.k8s.yaml"))
    return written


if __name__ == "__main__":
    for path in synth(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "dist"):
        print(path)
