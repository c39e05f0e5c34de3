/**
 * EcsEc2Service: the one-call pattern. An ECS service of awsvpc tasks on EC2
 * capacity behind an Application Load Balancer or an HTTP API, running an
 * image from its own ECR repository, composed from the building blocks
 * (`EcsCluster` with its `Ec2Capacity`, `ContainerImage`, `WebLoadBalancer` or
 * `HttpApiGateway`, `Ec2Service`). It may join an existing cluster, load
 * balancer or HTTP API instead of building its own.
 *
 * Every resource keeps the URN it had when this pattern created them all as
 * its direct children: the blocks it builds alias their resources there
 * (components/shared/moves.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { HttpApiGateway, type HttpApiGatewayRef } from "../apigw/httpApiGateway";
import { ContainerImage } from "../ecr/containerImage";
import { EcsCluster, type EcsClusterRef } from "../ecs/cluster";
import { Ec2Service } from "../ecs/ec2Service";
import { WebLoadBalancer, type WebLoadBalancerRef } from "../lb/webLoadBalancer";
import { movedBlockOptions } from "../shared/moves";
import {
    capacityArgsOf,
    gatewayArgsOf,
    imageArgsOf,
    loadBalancerArgsOf,
    resolveEcsEc2ServiceArgs,
    serviceArgsOf,
    type EcsEc2ServiceArgs,
    type IngressMode,
} from "./ecsEc2ServiceArgs";

/** An Output that the pattern always sets for the shape it built (`what` names it in the error otherwise). */
function required(value: pulumi.Output<string | undefined>, what: string): pulumi.Output<string> {
    return value.apply((v) => {
        if (v === undefined) throw new Error(`EcsEc2Service: ${what} is unset`);
        return v;
    });
}

/**
 * The compute tier in one call. See docs/components/EcsEc2Service.md.
 */
export class EcsEc2Service extends pulumi.ComponentResource {
    /** Pulumi type token. */
    static readonly TYPE = "aws-webapp:index:EcsEc2Service";

    /** Cluster name (the CloudWatch `ClusterName` dimension). */
    public readonly clusterName: pulumi.Output<string>;
    /** Cluster ARN. */
    public readonly clusterArn: pulumi.Output<string>;
    /** Name of the ECS service (the CloudWatch `ServiceName` dimension). */
    public readonly serviceName: pulumi.Output<string>;
    /** Public URL of the application (`http://` without a certificate). */
    public readonly url: pulumi.Output<string>;
    /** The ingress mode in effect. */
    public readonly ingressMode: IngressMode;
    /** Load balancer ARN (for WAF); undefined with ingress "httpApi" or a joined load balancer. */
    public readonly loadBalancerArn: pulumi.Output<string | undefined>;
    /** Load balancer DNS name; undefined with ingress "httpApi" or a joined load balancer. */
    public readonly loadBalancerDnsName: pulumi.Output<string | undefined>;
    /** Hosted zone of the load balancer, for Route 53 alias records; undefined with ingress "httpApi" or a joined load balancer. */
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
    /** Security group of the instances; undefined with a joined cluster. */
    public readonly instanceSecurityGroupId: pulumi.Output<string | undefined>;
    /** Log group of the containers (with retention). */
    public readonly logGroupName: pulumi.Output<string>;
    /** URL of the ECR repository the image is pushed to. */
    public readonly repositoryUrl: pulumi.Output<string>;
    /** ARN of the ECR repository. */
    public readonly repositoryArn: pulumi.Output<string>;
    /** The image the service runs (by digest when built here). */
    public readonly imageRef: pulumi.Output<string>;
    /** Auto Scaling group of the instances; undefined with a joined cluster. */
    public readonly autoScalingGroupName: pulumi.Output<string | undefined>;
    /** Capacity provider of the tasks; undefined with a joined cluster (its default strategy). */
    public readonly capacityProviderName: pulumi.Output<string | undefined>;
    /** Execution role name (pulls the image, writes logs, reads the listed secrets). */
    public readonly executionRoleName: pulumi.Output<string>;
    /** Execution role ARN. */
    public readonly executionRoleArn: pulumi.Output<string>;
    /** Attach further application permissions to this role. */
    public readonly taskRoleName: pulumi.Output<string>;
    /** Task role ARN (the application's own permissions). */
    public readonly taskRoleArn: pulumi.Output<string>;
    /** Function that forces a new deployment on rotation; undefined without `restartOnSecretRotation`. */
    public readonly restartFunctionName: pulumi.Output<string | undefined>;
    /** Function that keeps the HTTP API's VPC link active (daily); undefined with ingress "alb" or `vpcLinkKeepAlive` false. */
    public readonly keepAliveFunctionName: pulumi.Output<string | undefined>;
    /** Application Auto Scaling resource id of the service's scalable target (`OfficeHours` takes it); undefined without `autoScaling`. */
    public readonly scalingResourceId: pulumi.Output<string | undefined>;
    /** The cluster the service runs on: more services join it (with `capacityProviderName`). */
    public readonly cluster: EcsClusterRef;
    /** The load balancer the service is behind (more services join it); undefined with ingress "httpApi". */
    public readonly loadBalancer: WebLoadBalancerRef | undefined;
    /** The HTTP API the service is behind (more services join it); undefined with ingress "alb". */
    public readonly httpApi: HttpApiGatewayRef | undefined;

    constructor(name: string, args: EcsEc2ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Every argument, the pattern's and its blocks', is validated before
        // super(): bad input must register nothing at all.
        const { ingress, architecture } = resolveEcsEc2ServiceArgs(name, args);
        super(EcsEc2Service.TYPE, name, {}, opts);
        const moved = movedBlockOptions(this, this);

        const ownCluster = args.cluster
            ? undefined
            : new EcsCluster(
                  name,
                  { containerInsights: args.containerInsights, capacity: capacityArgsOf(args), tags: args.tags },
                  moved,
              );
        const cluster: EcsClusterRef = args.cluster ?? ownCluster!;
        const image = new ContainerImage(name, imageArgsOf(args, architecture), movedBlockOptions(this, this));

        const ownLoadBalancer =
            ingress === "alb" && !args.loadBalancer
                ? new WebLoadBalancer(name, loadBalancerArgsOf(args), movedBlockOptions(this, this))
                : undefined;
        const loadBalancer: WebLoadBalancerRef | undefined = args.loadBalancer ?? ownLoadBalancer;
        const ownHttpApi =
            ingress === "httpApi" && !args.httpApi
                ? new HttpApiGateway(name, gatewayArgsOf(args), movedBlockOptions(this, this))
                : undefined;
        const httpApi: HttpApiGatewayRef | undefined = args.httpApi ?? ownHttpApi;

        const service = new Ec2Service(
            name,
            serviceArgsOf(args, ingress, {
                cluster,
                capacityProviderName: ownCluster
                    ? required(ownCluster.capacityProviderName, "capacity provider")
                    : args.capacityProviderName,
                image: image.imageRef,
                repositoryArn: required(image.repositoryArn, "repositoryArn"),
                loadBalancer,
                httpApi,
            }),
            movedBlockOptions(this, this),
        );

        const none = pulumi.output(undefined as string | undefined);
        const ingressRef = (loadBalancer ?? httpApi)!;
        this.clusterName = pulumi.output(cluster.clusterName);
        this.clusterArn = pulumi.output(cluster.clusterArn);
        this.serviceName = service.serviceName;
        this.url = pulumi.output(ingressRef.url);
        this.ingressMode = ingress;
        this.loadBalancerArn = ownLoadBalancer ? ownLoadBalancer.loadBalancerArn : none;
        this.loadBalancerDnsName = ownLoadBalancer ? ownLoadBalancer.dnsName : none;
        this.loadBalancerZoneId = ownLoadBalancer ? ownLoadBalancer.zoneId : none;
        this.loadBalancerArnSuffix = loadBalancer ? pulumi.output(loadBalancer.arnSuffix) : none;
        this.targetGroupArnSuffix = service.targetGroupArnSuffix;
        this.ingressSecurityGroupId = pulumi.output(ingressRef.securityGroupId);
        this.apiId = httpApi ? pulumi.output(httpApi.apiId) : none;
        this.serviceSecurityGroupId = service.securityGroupId;
        this.instanceSecurityGroupId = ownCluster ? ownCluster.instanceSecurityGroupId : none;
        this.logGroupName = service.logGroupName;
        this.repositoryUrl = required(image.repositoryUrl, "repositoryUrl");
        this.repositoryArn = required(image.repositoryArn, "repositoryArn");
        this.imageRef = image.imageRef;
        this.autoScalingGroupName = ownCluster ? ownCluster.autoScalingGroupName : none;
        this.capacityProviderName = ownCluster
            ? ownCluster.capacityProviderName
            : pulumi.output(args.capacityProviderName);
        this.executionRoleName = service.executionRoleName;
        this.executionRoleArn = service.executionRoleArn;
        this.taskRoleName = service.taskRoleName;
        this.taskRoleArn = service.taskRoleArn;
        this.restartFunctionName = service.restartFunctionName;
        this.keepAliveFunctionName = service.keepAliveFunctionName;
        this.scalingResourceId = service.scalingResourceId;
        this.cluster = cluster;
        this.loadBalancer = loadBalancer;
        this.httpApi = httpApi;

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
            restartFunctionName: this.restartFunctionName,
            keepAliveFunctionName: this.keepAliveFunctionName,
            scalingResourceId: this.scalingResourceId,
        });
    }
}
