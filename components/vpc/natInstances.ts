/**
 * The children of SecureVpc's `natStrategy: "Instance"`: one security group
 * admitting the VPC only, and per zone an instance role (least privilege: its
 * zone's route tables, itself, Session Manager), an instance profile, a
 * launch template (Amazon Linux 2023 resolved from SSM at each launch, IMDSv2
 * only, encrypted root volume, no key pair) and an Auto Scaling group of
 * exactly one instance in the zone's public subnet, which replaces a failed
 * instance; the replacement's boot script points the zone's private route
 * table at itself.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import {
    NAT_INSTANCE_DEFAULTS,
    natAmiParameter,
    natInstancePolicy,
    natInstanceTrustPolicy,
    natUserData,
} from "./natInstancePolicies";
import { type RouteTableAssociationInfo, routeTableIdsForSubnets } from "./policies";

/** What the NAT instances need of the VPC. */
export interface NatInstanceInputs {
    readonly name: string;
    readonly cidrBlock: string;
    readonly instanceType: string;
    readonly zones: readonly string[];
    readonly vpcId: pulumi.Output<string>;
    readonly publicSubnetIds: pulumi.Output<string[]>;
    readonly privateSubnetIds: pulumi.Output<string[]>;
    readonly associations: pulumi.Output<RouteTableAssociationInfo[]>;
    readonly region: pulumi.Output<string>;
    readonly accountId: pulumi.Output<string>;
    readonly partition: pulumi.Output<string>;
    readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
}

/** What SecureVpc exposes of its NAT instances. */
export interface NatInstances {
    readonly securityGroupId: pulumi.Output<string>;
    /** Auto Scaling group names, one per zone in zone order. */
    readonly groupNames: pulumi.Output<string>[];
    /** Role ARNs, one per zone. */
    readonly roleArns: pulumi.Output<string>[];
}

/** Creates the NAT instances of every zone under `parent`. */
export function createNatInstances(parent: pulumi.Resource, i: NatInstanceInputs): NatInstances {
    const child = { parent };
    const { name } = i;
    const sgName = `${name}-nat-sg`;
    const sg = new aws.ec2.SecurityGroup(
        sgName,
        {
            vpcId: i.vpcId,
            description: `NAT instances of ${name}: all traffic from the VPC (${i.cidrBlock}) only, out to the internet`,
            revokeRulesOnDelete: true,
            tags: nameTags(sgName, i.tags),
        },
        child,
    );
    new aws.vpc.SecurityGroupIngressRule(
        `${name}-nat-from-vpc`,
        {
            securityGroupId: sg.id,
            description: `Traffic to forward, from the VPC (${i.cidrBlock}) only`,
            ipProtocol: "-1",
            cidrIpv4: i.cidrBlock,
            tags: nameTags(`${name}-nat-from-vpc`, i.tags),
        },
        child,
    );
    new aws.vpc.SecurityGroupEgressRule(
        `${name}-nat-to-internet`,
        {
            securityGroupId: sg.id,
            description: "Forwarded traffic to the internet (the NAT's purpose)",
            ipProtocol: "-1",
            cidrIpv4: "0.0.0.0/0",
            tags: nameTags(`${name}-nat-to-internet`, i.tags),
        },
        child,
    );

    const zones = i.zones.map((zone, z) => natZone(parent, i, sg, zone, z));
    return {
        securityGroupId: sg.id,
        groupNames: zones.map((g) => g.groupName),
        roleArns: zones.map((g) => g.roleArn),
    };
}

function natZone(parent: pulumi.Resource, i: NatInstanceInputs, sg: aws.ec2.SecurityGroup, zone: string, z: number) {
    const child = { parent };
    const base = `${i.name}-nat-${z + 1}`;
    const tags = (n: string) => nameTags(n, i.tags);
    const routeTableIds = pulumi
        .all([i.associations, i.privateSubnetIds])
        .apply(([assocs, priv]) => routeTableIdsForSubnets(assocs, [priv[z]]));

    const role = new aws.iam.Role(
        `${base}-role`,
        {
            description: `NAT instance of ${i.name} in ${zone}: its zone's default route, Session Manager`,
            assumeRolePolicy: JSON.stringify(natInstanceTrustPolicy()),
            tags: tags(`${base}-role`),
        },
        child,
    );
    const profile = new aws.iam.InstanceProfile(
        `${base}-profile`,
        { role: role.name, tags: tags(`${base}-profile`) },
        child,
    );
    const policy = new aws.iam.RolePolicy(
        `${base}-policy`,
        {
            role: role.id,
            policy: pulumi
                .all([i.partition, i.region, i.accountId, i.vpcId, routeTableIds, profile.arn])
                .apply(([partition, region, accountId, vpcId, ids, instanceProfileArn]) =>
                    JSON.stringify(
                        natInstancePolicy({
                            partition,
                            region,
                            accountId,
                            vpcId,
                            routeTableIds: ids,
                            instanceProfileArn,
                        }),
                    ),
                ),
        },
        child,
    );

    const tagSpec = (resourceType: string) => ({ resourceType, tags: tags(`${base}-instance`) });
    const launchTemplate = new aws.ec2.LaunchTemplate(
        `${base}-lt`,
        {
            description: `NAT instance of ${i.name} in ${zone} (Amazon Linux 2023)`,
            // Resolved at each launch: a replacement boots the current AMI, and no AMI id sits in state.
            imageId: `resolve:ssm:${natAmiParameter(i.instanceType)}`,
            instanceType: i.instanceType,
            iamInstanceProfile: { arn: profile.arn },
            // No keyName: there is no SSH; use Session Manager.
            networkInterfaces: [
                {
                    deviceIndex: 0,
                    associatePublicIpAddress: "true",
                    securityGroups: [sg.id],
                    deleteOnTermination: "true",
                },
            ],
            metadataOptions: {
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: 1,
                instanceMetadataTags: "disabled",
            },
            blockDeviceMappings: [
                {
                    deviceName: "/dev/xvda",
                    ebs: {
                        volumeSize: NAT_INSTANCE_DEFAULTS.rootVolumeGb,
                        volumeType: "gp3",
                        encrypted: "true",
                        deleteOnTermination: "true",
                    },
                },
            ],
            monitoring: { enabled: false },
            userData: pulumi
                .all([i.region, routeTableIds])
                .apply(([region, ids]) =>
                    Buffer.from(natUserData({ region, vpcCidr: i.cidrBlock, routeTableIds: ids }), "utf8").toString(
                        "base64",
                    ),
                ),
            updateDefaultVersion: true,
            tagSpecifications: [tagSpec("instance"), tagSpec("volume"), tagSpec("network-interface")],
            tags: tags(`${base}-lt`),
        },
        { ...child, dependsOn: [policy] },
    );

    const groupTags = pulumi.output(i.tags ?? {}).apply((t) =>
        Object.entries({ ...t, Name: `${base}-instance` }).map(([key, value]) => ({
            key,
            value,
            propagateAtLaunch: true,
        })),
    );
    const group = new aws.autoscaling.Group(
        `${base}-asg`,
        {
            name: `${i.name}-nat-${zone}`,
            vpcZoneIdentifiers: [i.publicSubnetIds.apply((ids) => ids[z])],
            // Exactly one: a failed instance is replaced, and the replacement takes over the route.
            minSize: 1,
            maxSize: 1,
            desiredCapacity: 1,
            healthCheckType: "EC2",
            healthCheckGracePeriod: 60,
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
            // A new launch template version replaces the instance (a short egress gap in that zone).
            instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 0 } },
            tags: groupTags,
        },
        child,
    );
    return { groupName: group.name, roleArn: role.arn };
}
