"""ublog on AWS: one self-contained stack per environment (docs/deploy.md describes it).

VPC (public, private, isolated subnets) -> ALB -> Fargate web (gunicorn); Fargate Celery worker
and exactly one beat; RDS PostgreSQL and ElastiCache Redis in the isolated subnets, reachable
only from the app's security group; S3 for uploads; the migrate task run by a Trigger that the
services wait for. Every name is generated, so environments share nothing mutable.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aws_cdk import CfnOutput, CfnResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_ecs_patterns as ecs_patterns
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import triggers
from constructs import Construct, IConstruct

if TYPE_CHECKING:
    from .config import EnvironmentConfig

INFRA_DIR = Path(__file__).resolve().parents[2]
REPO_DIR = INFRA_DIR.parent
sys.path.insert(0, str(INFRA_DIR))

import processes  # noqa: E402

POSTGRES_PORT = 5432
# PostgreSQL 15 as in CI; minor upgrades are applied by RDS (auto_minor_version_upgrade).
POSTGRES_VERSION = rds.PostgresEngineVersion.VER_15_17
REDIS_PORT = 6379
DATABASE_NAME = "ublog"
DATABASE_USER = "ublog"
# Kept out of the image's build context hash as well as the image (the repo's .dockerignore
# lists the same and more): outputs of these tools would change the asset on every run.
ASSET_EXCLUDES = [
    ".git",
    ".nox",
    ".tools",
    "node_modules",
    "infra/aws/cdk.out",
    "infra/k8s/dist",
    "media",
    "staticfiles",
    "*.sqlite3",
    ".env",
]


def skip_checkov(construct: IConstruct, **reasons: str) -> None:
    """Record checkov skips, each with its reason, in the resource's template metadata."""
    resource = construct if isinstance(construct, CfnResource) else construct.node.default_child
    if not isinstance(resource, CfnResource):
        raise TypeError(f"{construct.node.path} has no CloudFormation resource to annotate")
    existing = (resource.get_metadata("checkov") or {}).get("skip", [])
    skips = existing + [{"id": check, "comment": reason} for check, reason in reasons.items()]
    resource.add_metadata("checkov", {"skip": skips})


SECRET_KEY_REASON = (
    "Encrypted with the AWS-managed key; a customer key adds cost and a key policy without a "
    "gain while one account's tasks are the only readers."
)
LOGS_KEY_REASON = (
    "CloudWatch Logs encrypts every log group at rest; a customer key would only add a key "
    "policy for the logs service."
)
CDK_HANDLER_REASON = (
    "The AWS CDK's own deployment-time handler, invoked by CloudFormation only (synchronously, "
    "once per change) and calling AWS APIs, not the VPC."
)


# The retention periods CloudWatch Logs offers that an environment may choose, in days.
RETENTION_DAYS = {
    7: "ONE_WEEK",
    14: "TWO_WEEKS",
    30: "ONE_MONTH",
    90: "THREE_MONTHS",
    180: "SIX_MONTHS",
    365: "ONE_YEAR",
    400: "THIRTEEN_MONTHS",
    731: "TWO_YEARS",
}


def retention(days: int) -> logs.RetentionDays:
    if days not in RETENTION_DAYS:
        raise ValueError(f"log_retention_days must be one of {sorted(RETENTION_DAYS)}")
    return logs.RetentionDays[RETENTION_DAYS[days]]


class UblogStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: EnvironmentConfig, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config

        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=config.max_azs,
            nat_gateways=config.nat_gateways,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24
                ),
                ec2.SubnetConfiguration(
                    name="app", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=22
                ),
                ec2.SubnetConfiguration(
                    name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
                ),
            ],
        )
        flow_logs = self.log_group("VpcFlowLogs")
        self.vpc.add_flow_log(
            "FlowLogs", destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs)
        )
        self.vpc.add_gateway_endpoint("S3Endpoint", service=ec2.GatewayVpcEndpointAwsService.S3)
        for public in self.vpc.public_subnets:
            skip_checkov(
                public,
                CKV_AWS_130="Public subnets hold only the load balancer and the NAT gateways, "
                "which need public addresses.",
            )

        # One security group for every task of the app; the data stores admit only it.
        self.app_sg = ec2.SecurityGroup(
            self, "AppSecurityGroup", vpc=self.vpc, description="ublog tasks"
        )
        self.db_sg = self.data_security_group("Database", "PostgreSQL", POSTGRES_PORT)
        self.redis_sg = self.data_security_group("Redis", "Redis", REDIS_PORT)

        self.database = self.make_database()
        self.redis = self.make_redis()
        self.media = self.make_media_bucket()
        self.secret_key = secretsmanager.Secret(
            self,
            "DjangoSecretKey",
            description="Django SECRET_KEY",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_characters="\"'\\`$"
            ),
        )
        # The operator replaces the value with their SMTP URL (docs/deploy.md, first deploy).
        self.email_url = secretsmanager.Secret(
            self,
            "EmailUrl",
            description="EMAIL_URL: smtp+tls://user:password@host:587",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template='{"placeholder": "replace with the SMTP URL"}',
                generate_string_key="unused",
            ),
        )
        for secret in (self.secret_key, self.email_url):
            skip_checkov(secret, CKV_AWS_149=SECRET_KEY_REASON)

        self.image = ecs.ContainerImage.from_asset(
            str(REPO_DIR),
            file="Dockerfile",
            target="production",
            exclude=ASSET_EXCLUDES,
        )
        self.exec_logs = self.log_group("EcsExec")
        self.cluster = ecs.Cluster(
            self,
            "Cluster",
            vpc=self.vpc,
            container_insights_v2=ecs.ContainerInsights.ENABLED,
            execute_command_configuration=ecs.ExecuteCommandConfiguration(
                logging=ecs.ExecuteCommandLogging.OVERRIDE,
                log_configuration=ecs.ExecuteCommandLogConfiguration(
                    cloud_watch_log_group=self.exec_logs
                ),
            ),
        )

        self.domain = config.domain
        self.load_balancer = elbv2.ApplicationLoadBalancer(
            self,
            "LoadBalancer",
            vpc=self.vpc,
            internet_facing=True,
            drop_invalid_header_fields=True,
        )
        skip_checkov(
            self.load_balancer,
            CKV_AWS_91="Access logs need a log bucket with the regional ELB account's grant; "
            "docs/deploy.md shows how to turn them on.",
        )
        self.origin = (
            f"https://{self.domain}"
            if self.domain
            else f"http://{self.load_balancer.load_balancer_dns_name}"
        )

        self.task_definitions: dict[str, ecs.FargateTaskDefinition] = {}
        for process in processes.PROCESSES.values():
            self.task_definitions[process.name] = self.make_task_definition(process)
        self.media.grant_read_write(self.task_definitions["web"].task_role)
        self.media.grant_read_write(self.task_definitions["worker"].task_role)

        self.web = self.make_web_service()
        self.worker = self.make_worker_service()
        self.beat = self.make_beat_service()
        self.migration = self.make_migration_trigger(
            before=[self.web.service, self.worker, self.beat]
        )

        self.annotate_cdk_handlers()
        CfnOutput(self, "Url", value=self.origin)
        CfnOutput(self, "ClusterName", value=self.cluster.cluster_name)
        CfnOutput(self, "WebServiceName", value=self.web.service.service_name)
        CfnOutput(self, "WorkerServiceName", value=self.worker.service_name)
        CfnOutput(self, "BeatServiceName", value=self.beat.service_name)
        CfnOutput(self, "MediaBucketName", value=self.media.bucket_name)

    # --- Building blocks --------------------------------------------------------------------
    def annotate_cdk_handlers(self) -> None:
        """Justify checkov's Lambda findings on the handlers the AWS CDK adds by itself."""
        for construct in self.node.find_all():
            if (
                isinstance(construct, CfnResource)
                and construct.cfn_resource_type == "AWS::Lambda::Function"
                and construct.node.path != self.migration_runner_path
            ):
                skip_checkov(
                    construct,
                    CKV_AWS_115=CDK_HANDLER_REASON,
                    CKV_AWS_116=CDK_HANDLER_REASON,
                    CKV_AWS_117=CDK_HANDLER_REASON,
                )
            elif (
                isinstance(construct, CfnResource)
                and construct.cfn_resource_type == "AWS::IAM::Policy"
                and "LogRetention" in construct.node.path
            ):
                skip_checkov(
                    construct,
                    CKV_AWS_111="The CDK's log retention handler sets retention on log groups "
                    "it does not know in advance (the database's exports).",
                )

    def log_group(self, construct_id: str) -> logs.LogGroup:
        group = logs.LogGroup(
            self,
            construct_id,
            retention=retention(self.config.log_retention_days),
            removal_policy=RemovalPolicy.RETAIN,
        )
        skip_checkov(group, CKV_AWS_158=LOGS_KEY_REASON)
        return group

    def data_security_group(self, construct_id: str, what: str, port: int) -> ec2.SecurityGroup:
        group = ec2.SecurityGroup(
            self,
            f"{construct_id}SecurityGroup",
            vpc=self.vpc,
            description=f"{what}: reachable from the ublog tasks only",
            allow_all_outbound=False,
        )
        group.add_ingress_rule(self.app_sg, ec2.Port.tcp(port), f"{what} from the ublog tasks")
        return group

    def make_database(self) -> rds.DatabaseInstance:
        database = rds.DatabaseInstance(
            self,
            "Database",
            engine=rds.DatabaseInstanceEngine.postgres(version=POSTGRES_VERSION),
            instance_type=ec2.InstanceType(self.config.db_instance_type),
            vpc=self.vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            security_groups=[self.db_sg],
            port=POSTGRES_PORT,
            database_name=DATABASE_NAME,
            credentials=rds.Credentials.from_generated_secret(DATABASE_USER),
            allocated_storage=self.config.db_allocated_storage,
            storage_type=rds.StorageType.GP3,
            storage_encrypted=True,
            multi_az=self.config.db_multi_az,
            backup_retention=Duration.days(self.config.db_backup_days),
            deletion_protection=self.config.deletion_protection,
            removal_policy=RemovalPolicy.SNAPSHOT,
            auto_minor_version_upgrade=True,
            copy_tags_to_snapshot=True,
            iam_authentication=True,
            monitoring_interval=Duration.seconds(60),
            cloudwatch_logs_exports=["postgresql", "upgrade"],
            cloudwatch_logs_retention=retention(self.config.log_retention_days),
            enable_performance_insights=True,
            parameter_group=rds.ParameterGroup(
                self,
                "DatabaseParameters",
                engine=rds.DatabaseInstanceEngine.postgres(version=POSTGRES_VERSION),
                parameters={"log_min_duration_statement": "1000", "rds.force_ssl": "1"},
            ),
        )
        skip_checkov(database.node.find_child("Secret"), CKV_AWS_149=SECRET_KEY_REASON)
        if not self.config.db_multi_az:
            skip_checkov(
                database,
                CKV_AWS_157=f"{self.config.name}: one AZ halves the database's cost; set "
                "db_multi_az (prod has it) where an AZ outage must not stop the site.",
            )
        return database

    def make_redis(self) -> elasticache.CfnReplicationGroup:
        subnets = elasticache.CfnSubnetGroup(
            self,
            "RedisSubnets",
            description="ublog Redis: isolated subnets",
            subnet_ids=self.vpc.select_subnets(
                subnet_type=ec2.SubnetType.PRIVATE_ISOLATED
            ).subnet_ids,
        )
        nodes = self.config.redis_nodes
        redis = elasticache.CfnReplicationGroup(
            self,
            "Redis",
            replication_group_description="ublog cache and Celery broker",
            engine="redis",
            engine_version="7.0",
            cache_node_type=self.config.redis_node_type,
            num_cache_clusters=nodes,
            automatic_failover_enabled=nodes > 1,
            multi_az_enabled=nodes > 1,
            cache_subnet_group_name=subnets.ref,
            security_group_ids=[self.redis_sg.security_group_id],
            port=REDIS_PORT,
            at_rest_encryption_enabled=True,
            transit_encryption_enabled=True,
            auto_minor_version_upgrade=True,
            snapshot_retention_limit=1,
        )
        skip_checkov(
            redis,
            CKV_AWS_31="No AUTH token: only the app's security group reaches Redis, over TLS; "
            "a token would be one more secret inside REDIS_URL.",
        )
        return redis

    def make_media_bucket(self) -> s3.Bucket:
        bucket = s3.Bucket(
            self,
            "Media",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[
                s3.LifecycleRule(noncurrent_version_expiration=Duration.days(90)),
                s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(7)),
            ],
        )
        skip_checkov(
            bucket,
            CKV_AWS_18="Server access logs need a second bucket; CloudTrail data events are "
            "the audit trail to enable where one is required.",
        )
        return bucket

    def process_environment(self, process: processes.Process) -> dict[str, str]:
        """The plain variables of a process: addresses and switches, never a secret."""
        redis = self.redis
        values = {
            "DJANGO_SETTINGS_MODULE": processes.SETTINGS_MODULE,
            # No password here: DATABASE_PASSWORD comes from Secrets Manager.
            "DATABASE_URL": (
                f"postgres://{DATABASE_USER}@{self.database.db_instance_endpoint_address}:"
                f"{self.database.db_instance_endpoint_port}/{DATABASE_NAME}?sslmode=require"
            ),
            "REDIS_URL": (
                f"rediss://{redis.attr_primary_end_point_address}:"
                f"{redis.attr_primary_end_point_port}/0?ssl_cert_reqs=required"
            ),
            "ALLOWED_HOSTS": self.domain or self.load_balancer.load_balancer_dns_name,
            "CSRF_TRUSTED_ORIGINS": self.origin,
            "SITE_URL": self.origin,
            "SERVE_MEDIA": "false",
            "AWS_STORAGE_BUCKET_NAME": self.media.bucket_name,
        }
        if process is processes.WEB:
            values.update(
                PORT=str(processes.WEB_PORT),
                GUNICORN_WORKERS=str(self.config.gunicorn_workers),
                GUNICORN_THREADS=str(self.config.gunicorn_threads),
            )
        return values

    def secrets(self) -> dict[str, ecs.Secret]:
        database_secret = self.database.secret
        if database_secret is None:  # the instance generates its credentials (make_database)
            raise ValueError("the database has no generated credentials secret")
        return {
            "DATABASE_PASSWORD": ecs.Secret.from_secrets_manager(database_secret, "password"),
            "SECRET_KEY": ecs.Secret.from_secrets_manager(self.secret_key),
            "EMAIL_URL": ecs.Secret.from_secrets_manager(self.email_url),
        }

    def make_task_definition(self, process: processes.Process) -> ecs.FargateTaskDefinition:
        config = self.config
        cpu, memory = {
            "web": (config.web_cpu, config.web_memory),
            "worker": (config.worker_cpu, config.worker_memory),
        }.get(process.name, (256, 512))
        task_definition = ecs.FargateTaskDefinition(
            self,
            f"{process.name.capitalize()}Task",
            cpu=cpu,
            memory_limit_mib=memory,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=ecs.CpuArchitecture.X86_64,
                operating_system_family=ecs.OperatingSystemFamily.LINUX,
            ),
        )
        # ECS Exec's agent writes into the container, so the services it serves (web, worker)
        # keep a writable root filesystem; beat and migrate get a read-only one with /tmp.
        exec_enabled = process in (processes.WEB, processes.WORKER)
        container = task_definition.add_container(
            process.name,
            image=self.image,
            command=list(process.command),
            environment=self.process_environment(process),
            secrets=self.secrets(),
            logging=ecs.LogDriver.aws_logs(
                stream_prefix=process.name, log_group=self.log_group(f"{process.name}Logs")
            ),
            readonly_root_filesystem=not exec_enabled,
            essential=True,
            stop_timeout=Duration.seconds(30),
            port_mappings=(
                [ecs.PortMapping(container_port=processes.WEB_PORT)]
                if process is processes.WEB
                else None
            ),
        )
        if not exec_enabled:
            task_definition.add_volume(name="tmp")
            container.add_mount_points(
                ecs.MountPoint(container_path="/tmp", source_volume="tmp", read_only=False)
            )
        else:
            skip_checkov(
                task_definition,
                CKV_AWS_336="ECS Exec (the documented way to run manage.py) needs a writable "
                "root filesystem; beat and migrate run read-only.",
            )
        return task_definition

    def make_web_service(self) -> ecs_patterns.ApplicationLoadBalancedFargateService:
        config = self.config
        https: dict[str, Any] = {}
        if self.domain:
            zone = route53.HostedZone.from_hosted_zone_attributes(
                self,
                "Zone",
                hosted_zone_id=config.hosted_zone_id,
                zone_name=config.hosted_zone_name,
            )
            https = dict(
                protocol=elbv2.ApplicationProtocol.HTTPS,
                redirect_http=True,
                ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
                certificate=acm.Certificate(
                    self,
                    "Certificate",
                    domain_name=self.domain,
                    validation=acm.CertificateValidation.from_dns(zone),
                ),
                domain_name=self.domain,
                domain_zone=zone,
                record_type=ecs_patterns.ApplicationLoadBalancedServiceRecordType.ALIAS,
            )
        web = ecs_patterns.ApplicationLoadBalancedFargateService(
            self,
            "Web",
            cluster=self.cluster,
            task_definition=self.task_definitions["web"],
            load_balancer=self.load_balancer,
            desired_count=config.web_min_tasks,
            security_groups=[self.app_sg],
            task_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            assign_public_ip=False,
            enable_execute_command=True,
            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
            min_healthy_percent=100,
            max_healthy_percent=200,
            health_check_grace_period=Duration.seconds(60),
            propagate_tags=ecs.PropagatedTagSource.SERVICE,
            **https,
        )
        web.target_group.configure_health_check(
            path=processes.HEALTH_PATH,
            healthy_http_codes="200",
            interval=Duration.seconds(15),
            timeout=Duration.seconds(5),
            healthy_threshold_count=2,
            unhealthy_threshold_count=3,
        )
        web.target_group.set_attribute("deregistration_delay.timeout_seconds", "30")
        skip_checkov(
            self.load_balancer.connections.security_groups[0],
            CKV_AWS_260="The public load balancer: port 80 answers with a redirect to HTTPS "
            "when a domain is set.",
        )
        if not self.domain:
            skip_checkov(
                web.listener,
                CKV_AWS_2="Without a domain there is no certificate: set the environment's "
                "domain to serve HTTPS with an HTTP->HTTPS redirect.",
                CKV_AWS_103="No TLS without a domain (see CKV_AWS_2).",
            )
        scaling = web.service.auto_scale_task_count(
            min_capacity=config.web_min_tasks, max_capacity=config.web_max_tasks
        )
        scaling.scale_on_cpu_utilization("Cpu", target_utilization_percent=config.web_cpu_target)
        scaling.scale_on_request_count(
            "Requests",
            requests_per_target=config.web_requests_per_target,
            target_group=web.target_group,
        )
        return web

    def service(
        self, construct_id: str, process: processes.Process, **kwargs: Any
    ) -> ecs.FargateService:
        return ecs.FargateService(
            self,
            construct_id,
            cluster=self.cluster,
            task_definition=self.task_definitions[process.name],
            security_groups=[self.app_sg],
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            assign_public_ip=False,
            propagate_tags=ecs.PropagatedTagSource.SERVICE,
            **kwargs,
        )

    def make_worker_service(self) -> ecs.FargateService:
        config = self.config
        worker = self.service(
            "Worker",
            processes.WORKER,
            desired_count=config.worker_min_tasks,
            enable_execute_command=True,
            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
            min_healthy_percent=100,
            max_healthy_percent=200,
        )
        worker.auto_scale_task_count(
            min_capacity=config.worker_min_tasks, max_capacity=config.worker_max_tasks
        ).scale_on_cpu_utilization("Cpu", target_utilization_percent=config.worker_cpu_target)
        return worker

    def make_beat_service(self) -> ecs.FargateService:
        # Exactly one scheduler, ever: a second beat would send every periodic task twice, so
        # a deployment stops the old task (0%) before it starts the new one (100% at most).
        return self.service(
            "Beat",
            processes.BEAT,
            desired_count=1,
            min_healthy_percent=0,
            max_healthy_percent=100,
            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
        )

    def make_migration_trigger(self, before: list[Construct]) -> triggers.Trigger:
        task_definition = self.task_definitions["migrate"]
        runner_logs = self.log_group("MigrationRunnerLogs")
        runner = lambda_.Function(
            self,
            "MigrationRunner",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="index.handler",
            code=lambda_.Code.from_asset(str(Path(__file__).parent / "migration_runner")),
            timeout=Duration.minutes(14),
            reserved_concurrent_executions=1,
            log_group=runner_logs,
            environment={
                "CLUSTER": self.cluster.cluster_arn,
                # A new task definition revision (a new image) changes this value, hence the
                # function's version, which makes the trigger run again on that deployment.
                "TASK_DEFINITION": task_definition.task_definition_arn,
                "CONTAINER": processes.MIGRATE.name,
                "SUBNETS": ",".join(
                    self.vpc.select_subnets(
                        subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS
                    ).subnet_ids
                ),
                "SECURITY_GROUP": self.app_sg.security_group_id,
            },
        )
        task_definition.grant_run(runner)
        runner.add_to_role_policy(
            iam.PolicyStatement(
                actions=["ecs:DescribeTasks"],
                resources=["*"],
                conditions={"ArnEquals": {"ecs:cluster": self.cluster.cluster_arn}},
            )
        )
        skip_checkov(
            runner,
            CKV_AWS_116="Invoked synchronously by the deployment, which reports its failure; "
            "a dead-letter queue only serves asynchronous invocations.",
            CKV_AWS_117="Calls only the ECS API; the migration itself runs in the VPC.",
            CKV_AWS_173="Its variables are ARNs and IDs, no secrets.",
        )
        function = runner.node.default_child
        if function is None:  # a lambda_.Function always has its CfnFunction
            raise TypeError("the migration runner has no CloudFormation function")
        self.migration_runner_path = function.node.path
        trigger = triggers.Trigger(
            self,
            "MigrateBeforeTraffic",
            handler=runner,
            invocation_type=triggers.InvocationType.REQUEST_RESPONSE,
            timeout=Duration.minutes(14),
            execute_on_handler_change=True,
            execute_after=[self.database, self.redis, task_definition],
            execute_before=before,
        )
        return trigger
