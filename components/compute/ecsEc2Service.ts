import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import { createAlbIngress, type Ingress } from "./albIngress";
import { createHttpApiIngress } from "./httpApiIngress";
import { createCapacity } from "./capacity";
import { createImage } from "./image";
import { createServiceSecurityGroup, createTaskService } from "./service";
import { resolveEcsEc2ServiceArgs } from "./validation";
import type { Architecture, ContainerInsights, IngressMode } from "./validation";

/** One application permission granted to the task role. */
export interface TaskRoleStatement {
    /** Statement id (letters and digits). @default `App<index>` */
    readonly sid?: string;
    /** Exact IAM actions, e.g. `["s3:GetObject", "s3:PutObject"]`; `*` is refused. */
    readonly actions: string[];
    /** Exact resource ARNs (Outputs allowed); a `service:*` action on `"*"` is refused. */
    readonly resources: pulumi.Input<string>[];
}

/**
 * Arguments of {@link EcsEc2Service}. Counts, sizes, enums and switches are
 * plain values (not Inputs) because they are validated before any resource
 * is registered; ids and ARNs may be Outputs of other resources.
 */
export interface EcsEc2ServiceArgs {
    // --- network ---
    /** VPC of every security group and the target group. */
    readonly vpcId: pulumi.Input<string>;
    /** IPv4 CIDR block of the VPC: tasks may open TCP connections inside it (database, private services). */
    readonly cidrBlock: pulumi.Input<string>;
    /**
     * Subnets of the container instances: the VPC's egress tier (private
     * subnets behind NAT; in a NAT-less VPC the public subnets with
     * `instancePublicIp: true`).
     */
    readonly instanceSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Private subnets of the task ENIs (awsvpc tasks on EC2 never get a public IP). */
    readonly serviceSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Public subnets of the load balancer, at least two zones. Required with `ingress: "alb"`. */
    readonly albSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Give instances a public IPv4 address (only for public instance subnets in a NAT-less VPC). @default false */
    readonly instancePublicIp?: boolean;

    // --- capacity ---
    /** EC2 instance type of the container instances, e.g. `t4g.small`. */
    readonly instanceType: string;
    /** CPU architecture; must match the instance type. @default derived from `instanceType` (Graviton → arm64) */
    readonly architecture?: Architecture;
    /** Further instance types (same architecture) the Auto Scaling group may launch, for spot diversity. @default [] */
    readonly additionalInstanceTypes?: string[];
    /** Auto Scaling group minimum size. @default 1 */
    readonly minInstances?: number;
    /** Auto Scaling group maximum size. @default the larger of minInstances and 2 */
    readonly maxInstances?: number;
    /** Auto Scaling group size at creation (ECS managed scaling owns it afterwards). @default minInstances */
    readonly desiredInstances?: number;
    /** Instances always launched on demand before the percentage applies. @default 0 */
    readonly onDemandBaseCapacity?: number;
    /** Share of instances above the base launched on demand; the rest are spot (0 = all spot). @default 100 */
    readonly onDemandPercentage?: number;
    /** Managed scaling target: how full (in %) ECS keeps the instances. 100 = no spare instance. @default 100 */
    readonly capacityTargetPercent?: number;
    /** Managed termination protection: ECS only scales in instances without tasks (sets ASG scale-in protection). @default true */
    readonly managedTerminationProtection?: boolean;
    /** Encrypted gp3 root volume size (GiB, at least the AMI's 30). @default 30 */
    readonly rootVolumeSizeGb?: number;
    /** KMS key of the root volumes. @default the account's EBS default key (aws/ebs) */
    readonly rootVolumeKmsKeyArn?: pulumi.Input<string>;
    /** Container Insights on the cluster. @default "enabled" */
    readonly containerInsights?: ContainerInsights;

    // --- task ---
    /** Task CPU units (256, 512, 1024, 2048, 4096, 8192, 16384). @default 512 */
    readonly taskCpu?: number;
    /** Task memory (MiB), valid for `taskCpu` (ECS task size table). @default 1024 */
    readonly taskMemory?: number;
    /** Name of the application container. @default "app" */
    readonly containerName?: string;
    /** Port the container listens on (also passed as `PORT`). @default 3000 */
    readonly containerPort?: number;
    /** HTTP path of the health check (target group and default container check). @default "/api/health" */
    readonly healthCheckPath?: string;
    /**
     * Container health check command. @default `["CMD", "node", "-e", <fetch of healthCheckPath>]`
     * (any Node 18+ image; override it for other images)
     */
    readonly containerHealthCheckCommand?: string[];
    /**
     * User (and group) the container runs as: `uid[:gid]` or a name the image defines; root (`root`, `0`)
     * is refused. Set explicitly in the task definition, as Security Hub ECS.20 requires.
     * @default "1000:1000" (the `node` user of the official Node images, and of the sample app)
     */
    readonly containerUser?: string;
    /** Plain environment variables (never secrets: names that look like one are refused). @default {} */
    readonly environment?: Record<string, pulumi.Input<string>>;
    /**
     * Secrets injected as environment variables at task start: name → Secrets
     * Manager secret ARN, optionally with a JSON key (`arn:...:secret:x-AbCdEf:password::`).
     * The execution role may read exactly these. @default {}
     */
    readonly secrets?: Record<string, pulumi.Input<string>>;
    /** Customer managed KMS keys encrypting those secrets (not needed for the AWS managed key). @default [] */
    readonly secretsKmsKeyArns?: pulumi.Input<string>[];
    /** The application's permissions, granted to the task role. @default [] (the task role has none) */
    readonly taskRoleStatements?: TaskRoleStatement[];
    /** Retention of the application log group (days, a CloudWatch Logs value). @default 30 */
    readonly logRetentionDays?: number;

    // --- service ---
    /** Task count at creation (auto scaling owns it afterwards). @default minTasks */
    readonly desiredTasks?: number;
    /** Service auto scaling minimum. @default 1 */
    readonly minTasks?: number;
    /** Service auto scaling maximum. @default the larger of minTasks and 2 */
    readonly maxTasks?: number;
    /** Service auto scaling on (target tracking); off keeps `desiredTasks` fixed. @default true */
    readonly autoScaling?: boolean;
    /** Target average CPU utilisation (%). @default 70 */
    readonly cpuTargetPercent?: number;
    /** Target average memory utilisation (%); unset = no memory policy. @default undefined */
    readonly memoryTargetPercent?: number;
    /** Target requests per task per minute (ALBRequestCountPerTarget); unset = no request policy. @default undefined */
    readonly requestsPerTarget?: number;
    /**
     * Seconds the service ignores load balancer health checks after a task starts (ingress "alb" only: valid
     * only on a load-balanced service). @default 60 with ingress "alb"
     */
    readonly healthCheckGracePeriodSeconds?: number;
    /** `pulumi up` waits until the deployment is steady (fails on a rolled-back deployment). @default true */
    readonly waitForSteadyState?: boolean;

    // --- image ---
    /** Prebuilt image reference (best by digest). Exactly one of `image` and `buildContext`. @default undefined */
    readonly image?: pulumi.Input<string>;
    /** Docker context to build (e.g. `app/`) and push to the repository; needs a Docker engine at deploy time. @default undefined */
    readonly buildContext?: string;
    /** Dockerfile, relative to `buildContext`. @default "Dockerfile" */
    readonly dockerfile?: string;
    /** Images the repository keeps (older ones expire). @default 20 */
    readonly keepImages?: number;
    /** Days before an untagged image expires. @default 1 */
    readonly untaggedImageExpiryDays?: number;
    /** KMS key of the repository. @default AES256 (ECR managed) */
    readonly repositoryKmsKeyArn?: pulumi.Input<string>;
    /** Let `pulumi destroy` delete the repository with its images and the log bucket with its objects (never in prod). @default false */
    readonly forceDestroy?: boolean;

    // --- ingress ---
    /**
     * Ingress mode: `"alb"` (internet-facing Application Load Balancer in `albSubnetIds`) or `"httpApi"`
     * (HTTP API + VPC link + Cloud Map SRV records: no hourly cost; ALB-only arguments are refused). @default "alb"
     */
    readonly ingress?: IngressMode;
    /** ACM certificate for HTTPS on 443 (HTTP then redirects). Unset = HTTP only. @default undefined */
    readonly certificateArn?: pulumi.Input<string>;
    /** TLS 1.3 security policy of the HTTPS listener. @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
    readonly sslPolicy?: string;
    /** Host name clients use (the stack's alias record); shapes the `url` output only. @default the load balancer DNS name */
    readonly domainName?: string;
    /** Load balancer deletion protection. @default false */
    readonly deletionProtection?: boolean;
    /** Load balancer access logs. @default false */
    readonly accessLogs?: boolean;
    /** Existing bucket for access logs (its policy must admit ELB log delivery). @default a locked-down bucket created here */
    readonly accessLogsBucket?: pulumi.Input<string>;
    /** Key prefix of the access logs. @default "alb" */
    readonly accessLogsPrefix?: string;
    /** Days the created access log bucket keeps logs. @default 90 */
    readonly accessLogsRetentionDays?: number;
    /** Load balancer idle timeout (seconds). @default 60 */
    readonly idleTimeoutSeconds?: number;
    /** Seconds the target group drains a deregistered task. @default 30 */
    readonly deregistrationDelaySeconds?: number;

    /** Tags merged into every taggable child. @default {} */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The compute tier: an ECS service of awsvpc tasks on EC2 capacity (Auto
 * Scaling group with a managed-scaling capacity provider), behind an
 * Application Load Balancer or an HTTP API (VPC link + Cloud Map), running an
 * image from its own ECR repository
 * (built from a local Docker context, or given), with target-tracking auto
 * scaling. See docs/components/EcsEc2Service.md.
 */
export class EcsEc2Service extends pulumi.ComponentResource {
    /** Pulumi type token. */
    static readonly TYPE = "aws-webapp:index:EcsEc2Service";

    public readonly clusterName: pulumi.Output<string>;
    public readonly clusterArn: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    /** Public URL of the application (`http://` without a certificate). */
    public readonly url: pulumi.Output<string>;
    /** The ingress mode in effect. */
    public readonly ingressMode: IngressMode;
    /** Load balancer ARN (for WAF); undefined with ingress "httpApi". */
    public readonly loadBalancerArn: pulumi.Output<string | undefined>;
    /** Load balancer DNS name; undefined with ingress "httpApi". */
    public readonly loadBalancerDnsName: pulumi.Output<string | undefined>;
    /** Hosted zone of the load balancer, for Route 53 alias records; undefined with ingress "httpApi". */
    public readonly loadBalancerZoneId: pulumi.Output<string | undefined>;
    /** `app/<name>/<id>`: the CloudWatch `LoadBalancer` dimension; undefined with ingress "httpApi". */
    public readonly loadBalancerArnSuffix: pulumi.Output<string | undefined>;
    /** `targetgroup/<name>/<id>`: the CloudWatch `TargetGroup` dimension; undefined with ingress "httpApi". */
    public readonly targetGroupArnSuffix: pulumi.Output<string | undefined>;
    /** Security group of the ingress (the ALB's, or the HTTP API VPC link's). */
    public readonly ingressSecurityGroupId: pulumi.Output<string>;
    /** HTTP API id (the CloudWatch `ApiId` dimension); undefined with ingress "alb". */
    public readonly apiId: pulumi.Output<string | undefined>;
    /** Security group of the tasks: admit it on the database. */
    public readonly serviceSecurityGroupId: pulumi.Output<string>;
    public readonly instanceSecurityGroupId: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    public readonly repositoryUrl: pulumi.Output<string>;
    public readonly repositoryArn: pulumi.Output<string>;
    /** The image the service runs (by digest when built here). */
    public readonly imageRef: pulumi.Output<string>;
    public readonly autoScalingGroupName: pulumi.Output<string>;
    public readonly capacityProviderName: pulumi.Output<string>;
    public readonly executionRoleName: pulumi.Output<string>;
    public readonly executionRoleArn: pulumi.Output<string>;
    /** Attach further application permissions to this role. */
    public readonly taskRoleName: pulumi.Output<string>;
    public readonly taskRoleArn: pulumi.Output<string>;

    constructor(name: string, args: EcsEc2ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Defaults and validation of every plain argument run before super():
        // super() registers the component itself, and bad input must register
        // nothing at all.
        const settings = resolveEcsEc2ServiceArgs(name, args);
        super(EcsEc2Service.TYPE, name, {}, opts);

        const cluster = new aws.ecs.Cluster(
            `${name}-cluster`,
            {
                settings: [{ name: "containerInsights", value: settings.containerInsights }],
                tags: nameTags(`${name}-cluster`, args.tags),
            },
            { parent: this },
        );

        const image = createImage({
            name,
            parent: this,
            settings,
            image: args.image,
            repositoryKmsKeyArn: args.repositoryKmsKeyArn,
            tags: args.tags,
        });

        const capacity = createCapacity({
            name,
            parent: this,
            settings,
            vpcId: args.vpcId,
            subnetIds: args.instanceSubnetIds,
            clusterName: cluster.name,
            rootVolumeKmsKeyArn: args.rootVolumeKmsKeyArn,
            tags: args.tags,
        });

        const security = createServiceSecurityGroup({
            name,
            parent: this,
            vpcId: args.vpcId,
            cidrBlock: args.cidrBlock,
            tags: args.tags,
        });

        // The one place an ingress mode is chosen; each mode returns the same
        // `Ingress` shape the service consumes.
        const alb =
            settings.ingress === "alb"
                ? createAlbIngress({
                      name,
                      parent: this,
                      settings,
                      vpcId: args.vpcId,
                      subnetIds: args.albSubnetIds!,
                      serviceSecurityGroupId: security.securityGroup.id,
                      certificateArn: args.certificateArn,
                      accessLogsBucket: args.accessLogsBucket,
                      tags: args.tags,
                  })
                : undefined;
        const httpApi =
            settings.ingress === "httpApi"
                ? createHttpApiIngress({
                      name,
                      parent: this,
                      settings,
                      vpcId: args.vpcId,
                      subnetIds: args.serviceSubnetIds,
                      serviceSecurityGroupId: security.securityGroup.id,
                      tags: args.tags,
                  })
                : undefined;
        const ingress: Ingress = (alb ?? httpApi)!;

        const task = createTaskService(
            {
                name,
                parent: this,
                settings,
                vpcId: args.vpcId,
                cidrBlock: args.cidrBlock,
                subnetIds: args.serviceSubnetIds,
                cluster,
                capacityProviderName: capacity.capacityProvider.name,
                capacityReady: [capacity.clusterCapacityProviders],
                repositoryArn: image.repository.arn,
                image: image.imageRef,
                environment: args.environment ?? {},
                secrets: args.secrets ?? {},
                secretsKmsKeyArns: args.secretsKmsKeyArns ?? [],
                taskRoleStatements: args.taskRoleStatements ?? [],
                tags: args.tags,
            },
            security,
            ingress,
        );

        this.clusterName = cluster.name;
        this.clusterArn = cluster.arn;
        this.serviceName = task.service.name;
        this.url = ingress.url;
        const none = pulumi.output(undefined as string | undefined);
        this.ingressMode = settings.ingress;
        this.loadBalancerArn = alb ? alb.loadBalancer.arn : none;
        this.loadBalancerDnsName = alb ? alb.loadBalancer.dnsName : none;
        this.loadBalancerZoneId = alb ? alb.loadBalancer.zoneId : none;
        this.loadBalancerArnSuffix = alb ? alb.loadBalancer.arnSuffix : none;
        this.targetGroupArnSuffix = alb ? alb.targetGroup.arnSuffix : none;
        this.ingressSecurityGroupId = (alb ?? httpApi)!.securityGroup.id;
        this.apiId = httpApi ? httpApi.api.id : none;
        this.serviceSecurityGroupId = security.securityGroup.id;
        this.instanceSecurityGroupId = capacity.instanceSecurityGroup.id;
        this.logGroupName = task.logGroup.name;
        this.repositoryUrl = image.repository.repositoryUrl;
        this.repositoryArn = image.repository.arn;
        this.imageRef = image.imageRef;
        this.autoScalingGroupName = capacity.autoScalingGroup.name;
        this.capacityProviderName = capacity.capacityProvider.name;
        this.executionRoleName = task.executionRole.name;
        this.executionRoleArn = task.executionRole.arn;
        this.taskRoleName = task.taskRole.name;
        this.taskRoleArn = task.taskRole.arn;

        this.registerOutputs({
            clusterName: this.clusterName,
            clusterArn: this.clusterArn,
            serviceName: this.serviceName,
            url: this.url,
            loadBalancerArn: this.loadBalancerArn,
            loadBalancerDnsName: this.loadBalancerDnsName,
            loadBalancerZoneId: this.loadBalancerZoneId,
            loadBalancerArnSuffix: this.loadBalancerArnSuffix,
            targetGroupArnSuffix: this.targetGroupArnSuffix,
            ingressSecurityGroupId: this.ingressSecurityGroupId,
            apiId: this.apiId,
            serviceSecurityGroupId: this.serviceSecurityGroupId,
            instanceSecurityGroupId: this.instanceSecurityGroupId,
            logGroupName: this.logGroupName,
            repositoryUrl: this.repositoryUrl,
            repositoryArn: this.repositoryArn,
            imageRef: this.imageRef,
            autoScalingGroupName: this.autoScalingGroupName,
            capacityProviderName: this.capacityProviderName,
            executionRoleName: this.executionRoleName,
            executionRoleArn: this.executionRoleArn,
            taskRoleName: this.taskRoleName,
            taskRoleArn: this.taskRoleArn,
        });
    }
}
