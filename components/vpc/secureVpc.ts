import * as aws from "@pulumi/aws";
// Only awsx's ec2 module: the package index also loads classic, ecs, lb, ecr and cloudtrail (about 0.2 s).
import * as awsxEc2 from "@pulumi/awsx/ec2";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import { TIER_TYPES, TIERS } from "./layout";
import {
    EgressTier,
    egressTierFor,
    endpointRole,
    endpointServiceName,
    flowLogTrustPolicy,
    flowLogWritePolicy,
    routeTableIdsForSubnets,
} from "./policies";
import { gatewayEndpoints, type GatewayService } from "./gatewayEndpoints";
import { createNatInstances } from "./natInstances";
import { NatStrategy, pickRegionZones, resolveVpcArgs, ResolvedVpcArgs } from "./validation";

import type { SecureVpcArgs } from "./secureVpcArgs";

export type { SecureVpcArgs } from "./secureVpcArgs";

/** Outputs of the children, created once the zones are known. */
interface Children {
    readonly vpcId: pulumi.Output<string>;
    readonly publicSubnetIds: pulumi.Output<string[]>;
    readonly privateSubnetIds: pulumi.Output<string[]>;
    readonly isolatedSubnetIds: pulumi.Output<string[]>;
    readonly availabilityZones: pulumi.Output<string[]>;
    readonly flowLogGroupName: pulumi.Output<string>;
    readonly flowLogGroupArn: pulumi.Output<string>;
    readonly flowLogId: pulumi.Output<string>;
    readonly defaultSecurityGroupId: pulumi.Output<string>;
    readonly s3EndpointId: pulumi.Output<string>;
    readonly dynamoDbEndpointId: pulumi.Output<string | undefined>;
    readonly interfaceEndpointIds: pulumi.Output<string[]>;
    readonly interfaceEndpointSecurityGroupId: pulumi.Output<string | undefined>;
    readonly natInstanceSecurityGroupId: pulumi.Output<string | undefined>;
    readonly natInstanceGroupNames: pulumi.Output<string[]>;
}

/**
 * A VPC over two or more zones with public, private and isolated subnet tiers
 * (awsx `"Auto"` layout with explicit specs), a NAT strategy, flow logs of all
 * traffic to a retained log group, the default security group stripped of
 * every rule, free S3 and DynamoDB gateway endpoints on the private and
 * isolated route tables and optional interface endpoints.
 *
 * Bad arguments throw a `ValidationError` naming each one before anything is
 * registered. When `availabilityZoneNames` is not given, the zone count is
 * checked against the region's zones once they are looked up, still before
 * any child is created (the deployment then fails with the same kind of
 * error).
 */
export class SecureVpc extends pulumi.ComponentResource {
    /** VPC id. */
    public readonly vpcId: pulumi.Output<string>;
    /** VPC IPv4 CIDR block. */
    public readonly cidrBlock: pulumi.Output<string>;
    /** Public subnets, one per zone (route to the internet gateway; instances get public IPs). */
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    /** Private subnets, one per zone (egress through NAT when `natStrategy` is not `"None"`). */
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    /** Isolated subnets, one per zone (no route to the internet). */
    public readonly isolatedSubnetIds: pulumi.Output<string[]>;
    /** Zones the VPC spans, in subnet order. */
    public readonly availabilityZones: pulumi.Output<string[]>;
    /** Flow log group name. */
    public readonly flowLogGroupName: pulumi.Output<string>;
    /** Flow log group ARN. */
    public readonly flowLogGroupArn: pulumi.Output<string>;
    /** Flow log id. */
    public readonly flowLogId: pulumi.Output<string>;
    /** NAT strategy in effect. */
    public readonly natStrategy: NatStrategy;
    /**
     * Tier with internet egress: `"private"` behind NAT gateways or instances, `"public"` without NAT. Instances
     * that must reach ECR/ECS go there (in the public tier: with a public IP and no inbound rule).
     */
    public readonly egressSubnetTier: EgressTier;
    /** Subnets of `egressSubnetTier`. */
    public readonly egressSubnetIds: pulumi.Output<string[]>;
    /**
     * Whether instances in `egressSubnetIds` need a public IPv4 address to reach the internet (true in
     * the public tier of a NAT-less VPC): pass it as an Ec2Capacity's `instancePublicIp`.
     */
    public readonly egressNeedsPublicIp: boolean;
    /** The VPC's default security group (no rules). */
    public readonly defaultSecurityGroupId: pulumi.Output<string>;
    /** S3 gateway endpoint id. */
    public readonly s3EndpointId: pulumi.Output<string>;
    /** DynamoDB gateway endpoint id (undefined when `dynamoDbEndpoint` is false). */
    public readonly dynamoDbEndpointId: pulumi.Output<string | undefined>;
    /** Interface endpoint ids, in `interfaceEndpoints` order. */
    public readonly interfaceEndpointIds: pulumi.Output<string[]>;
    /** Security group of the interface endpoints (undefined when there are none). */
    public readonly interfaceEndpointSecurityGroupId: pulumi.Output<string | undefined>;
    /** Security group of the NAT instances (undefined unless `natStrategy` is `"Instance"`). */
    public readonly natInstanceSecurityGroupId: pulumi.Output<string | undefined>;
    /** Auto Scaling groups of the NAT instances, one per zone (empty unless `natStrategy` is `"Instance"`). */
    public readonly natInstanceGroupNames: pulumi.Output<string[]>;

    constructor(name: string, args: SecureVpcArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
        // Defaults and validation come before super(): bad input registers
        // nothing at all, not even this component.
        const settings = resolveVpcArgs(name, args);
        super("aws-webapp:index:SecureVpc", name, {}, opts);

        const given = settings.availabilityZoneNames;
        const children: Children | Promise<Children> = given
            ? this.createChildren(name, settings, [...given], args)
            : aws
                  .getAvailabilityZones(
                      { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
                      { parent: this },
                  )
                  .then((found) => {
                      let zones: string[];
                      try {
                          zones = pickRegionZones(name, settings.availabilityZoneCount, found.names);
                      } catch (e) {
                          // Reported by the engine against this component, without a stack trace.
                          throw new pulumi.ResourceError((e as Error).message, this, true);
                      }
                      return this.createChildren(name, settings, zones, args);
                  });
        const out = <T>(pick: (c: Children) => pulumi.Output<T>): pulumi.Output<T> =>
            children instanceof Promise ? (pulumi.output(children.then(pick)) as pulumi.Output<T>) : pick(children);

        this.natStrategy = settings.natStrategy;
        this.egressSubnetTier = egressTierFor(settings.natStrategy);
        this.cidrBlock = pulumi.output(settings.cidrBlock);
        this.vpcId = out((c) => c.vpcId);
        this.publicSubnetIds = out((c) => c.publicSubnetIds);
        this.privateSubnetIds = out((c) => c.privateSubnetIds);
        this.isolatedSubnetIds = out((c) => c.isolatedSubnetIds);
        this.egressSubnetIds = this.egressSubnetTier === "public" ? this.publicSubnetIds : this.privateSubnetIds;
        this.egressNeedsPublicIp = this.egressSubnetTier === "public";
        this.availabilityZones = out((c) => c.availabilityZones);
        this.flowLogGroupName = out((c) => c.flowLogGroupName);
        this.flowLogGroupArn = out((c) => c.flowLogGroupArn);
        this.flowLogId = out((c) => c.flowLogId);
        this.defaultSecurityGroupId = out((c) => c.defaultSecurityGroupId);
        this.s3EndpointId = out((c) => c.s3EndpointId);
        this.dynamoDbEndpointId = out((c) => c.dynamoDbEndpointId);
        this.interfaceEndpointIds = out((c) => c.interfaceEndpointIds);
        this.interfaceEndpointSecurityGroupId = out((c) => c.interfaceEndpointSecurityGroupId);
        this.natInstanceSecurityGroupId = out((c) => c.natInstanceSecurityGroupId);
        this.natInstanceGroupNames = out((c) => c.natInstanceGroupNames);

        this.registerOutputs({
            vpcId: this.vpcId,
            cidrBlock: this.cidrBlock,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            isolatedSubnetIds: this.isolatedSubnetIds,
            availabilityZones: this.availabilityZones,
            flowLogGroupName: this.flowLogGroupName,
            flowLogGroupArn: this.flowLogGroupArn,
            flowLogId: this.flowLogId,
            natStrategy: this.natStrategy,
            egressSubnetTier: this.egressSubnetTier,
            egressSubnetIds: this.egressSubnetIds,
            egressNeedsPublicIp: this.egressNeedsPublicIp,
            defaultSecurityGroupId: this.defaultSecurityGroupId,
            s3EndpointId: this.s3EndpointId,
            dynamoDbEndpointId: this.dynamoDbEndpointId,
            interfaceEndpointIds: this.interfaceEndpointIds,
            interfaceEndpointSecurityGroupId: this.interfaceEndpointSecurityGroupId,
            natInstanceSecurityGroupId: this.natInstanceSecurityGroupId,
            natInstanceGroupNames: this.natInstanceGroupNames,
        });
    }

    private createChildren(name: string, s: ResolvedVpcArgs, zones: string[], args: SecureVpcArgs): Children {
        const parent = { parent: this };
        const tags = args.tags;

        // Subnet layout: awsx "Auto" strategy, explicit specs in a fixed order
        // (private, public, isolated) and an explicit zone block size, so the
        // CIDRs are exactly the ones validation planned.
        const vpc = new awsxEc2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: s.cidrBlock,
                availabilityZoneNames: zones,
                availabilityZoneCidrMask: s.availabilityZoneCidrMask,
                subnetStrategy: "Auto",
                subnetSpecs: TIERS.map((tier) => ({ type: TIER_TYPES[tier], name: tier, cidrMask: s.masks[tier] })),
                // NAT instances are this component's: awsx creates no gateway for them.
                natGateways: { strategy: s.natStrategy === "Instance" ? "None" : s.natStrategy },
                enableDnsHostnames: true,
                enableDnsSupport: true,
                // awsx adds `Name: <its name>` to these itself.
                tags,
            },
            parent,
        );

        const region = aws.getRegionOutput({}, parent).region;
        const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
        const partition = aws.getPartitionOutput({}, parent).partition;

        // Flow logs of all traffic, written by a role that may only write to its own group.
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-flow-logs`,
            {
                retentionInDays: s.flowLogRetentionDays,
                kmsKeyId: args.flowLogKmsKeyArn,
                tags: nameTags(`${name}-flow-logs`, tags),
            },
            parent,
        );
        const role = new aws.iam.Role(
            `${name}-flow-logs-role`,
            {
                description: `VPC flow logs of ${name}: delivery to its log group`,
                assumeRolePolicy: pulumi
                    .all([accountId, partition, region])
                    .apply(([account, part, reg]) => JSON.stringify(flowLogTrustPolicy(account, part, reg))),
                tags: nameTags(`${name}-flow-logs-role`, tags),
            },
            parent,
        );
        const writePolicy = new aws.iam.RolePolicy(
            `${name}-flow-logs-write`,
            {
                role: role.id,
                policy: logGroup.arn.apply((arn) => JSON.stringify(flowLogWritePolicy(arn))),
            },
            parent,
        );
        const flowLog = new aws.ec2.FlowLog(
            `${name}-flow-log`,
            {
                vpcId: vpc.vpcId,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: logGroup.arn,
                iamRoleArn: role.arn,
                tags: nameTags(`${name}-flow-log`, tags),
            },
            { parent: this, dependsOn: [writePolicy] },
        );

        // The default security group, adopted and stripped of every rule.
        const defaultSg = new aws.ec2.DefaultSecurityGroup(
            `${name}-default-sg`,
            { vpcId: vpc.vpcId, ingress: [], egress: [], tags: nameTags(`${name}-default-sg`, tags) },
            parent,
        );

        // Free gateway endpoints (S3, DynamoDB) on the private and isolated route tables,
        // found through awsx's route table associations (one table per subnet).
        const associations = vpc.routeTableAssociations.apply((list) =>
            pulumi.all(
                list.map((a) =>
                    pulumi
                        .all([a.subnetId, a.routeTableId])
                        .apply(([subnetId, routeTableId]) => ({ subnetId: subnetId ?? "", routeTableId })),
                ),
            ),
        );
        const routeTableIds = pulumi
            .all([associations, vpc.privateSubnetIds, vpc.isolatedSubnetIds])
            .apply(([assocs, priv, iso]) => routeTableIdsForSubnets(assocs, [...priv, ...iso]));
        const services: GatewayService[] = s.dynamoDbEndpoint ? ["s3", "dynamodb"] : ["s3"];
        const gateways = gatewayEndpoints(this, name, vpc.vpcId, region, routeTableIds, services, tags);

        // Optional interface endpoints in the private subnets, HTTPS from the VPC only.
        let endpointSg: aws.ec2.SecurityGroup | undefined;
        const endpoints: aws.ec2.VpcEndpoint[] = [];
        if (s.interfaceEndpoints.length > 0) {
            endpointSg = new aws.ec2.SecurityGroup(
                `${name}-endpoints-sg`,
                {
                    vpcId: vpc.vpcId,
                    description: `Interface VPC endpoints of ${name}: HTTPS from inside the VPC only`,
                    tags: nameTags(`${name}-endpoints-sg`, tags),
                },
                parent,
            );
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-endpoints-https`,
                {
                    securityGroupId: endpointSg.id,
                    description: `HTTPS from the VPC (${s.cidrBlock})`,
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    cidrIpv4: s.cidrBlock,
                    tags: nameTags(`${name}-endpoints-https`, tags),
                },
                parent,
            );
            for (const service of s.interfaceEndpoints) {
                const endpointName = `${name}-${endpointRole(service)}-endpoint`;
                endpoints.push(
                    new aws.ec2.VpcEndpoint(
                        endpointName,
                        {
                            vpcId: vpc.vpcId,
                            serviceName: region.apply((r) => endpointServiceName(r, service)),
                            vpcEndpointType: "Interface",
                            privateDnsEnabled: true,
                            subnetIds: vpc.privateSubnetIds,
                            securityGroupIds: [endpointSg.id],
                            tags: nameTags(endpointName, tags),
                        },
                        parent,
                    ),
                );
            }
        }

        const nat =
            s.natStrategy === "Instance"
                ? createNatInstances(this, {
                      name,
                      cidrBlock: s.cidrBlock,
                      instanceType: s.natInstanceType,
                      zones,
                      vpcId: vpc.vpcId,
                      publicSubnetIds: vpc.publicSubnetIds,
                      privateSubnetIds: vpc.privateSubnetIds,
                      associations,
                      region,
                      accountId,
                      partition,
                      tags,
                  })
                : undefined;

        return {
            natInstanceSecurityGroupId: nat ? nat.securityGroupId : pulumi.output(undefined),
            natInstanceGroupNames: pulumi.all(nat ? nat.groupNames : []),
            vpcId: vpc.vpcId,
            publicSubnetIds: vpc.publicSubnetIds,
            privateSubnetIds: vpc.privateSubnetIds,
            isolatedSubnetIds: vpc.isolatedSubnetIds,
            availabilityZones: pulumi.output(zones),
            flowLogGroupName: logGroup.name,
            flowLogGroupArn: logGroup.arn,
            flowLogId: flowLog.id,
            defaultSecurityGroupId: defaultSg.id,
            s3EndpointId: gateways.s3.id,
            dynamoDbEndpointId: gateways.dynamodb ? gateways.dynamodb.id : pulumi.output(undefined),
            interfaceEndpointIds: pulumi.all(endpoints.map((e) => e.id)),
            interfaceEndpointSecurityGroupId: endpointSg ? endpointSg.id : pulumi.output(undefined),
        };
    }
}
