/**
 * The Pulumi mock engine shared by every test. Importing this module sets the
 * mocks, so it must be imported before any code under test (each spec imports
 * it first). It returns realistic computed outputs per resource type, answers
 * the data-source calls the program makes, and records every registration
 * (type, name, inputs, parent, resource options) for queries.
 */
import * as pulumi from "@pulumi/pulumi";

export const ACCOUNT_ID = "123456789012";
export const DEFAULT_REGION = "us-east-1";

/** One recorded registration. */
export interface Registration {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** Inputs as the provider would receive them (Outputs resolved). */
    readonly inputs: Record<string, any>;
    /** The state the mock returned (inputs plus computed outputs). */
    readonly state: Record<string, any>;
    readonly custom: boolean;
    /** URN of the parent resource ("" for the stack). */
    readonly parent: string;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    /** URNs this resource explicitly depends on (dependsOn and input dependencies). */
    readonly dependencies: string[];
    /** Provider reference (`urn::id`) when one was given. */
    readonly provider: string;
    /** Top-level input keys the engine received as Pulumi secrets (encrypted in state). */
    readonly secretInputs: string[];
    /** Input properties the resource option `ignoreChanges` names. */
    readonly ignoreChanges: string[];
    /** Physical id the mock assigned (what `resource.id` resolves to; "" for components). */
    readonly id: string;
    /** The `aliases` option as the engine received it (see {@link AliasRecord}). */
    readonly aliases: AliasRecord[];
}

/**
 * One alias of a registration: a whole old URN, or a spec whose unset parts
 * default to the resource's own (name, type, stack, project, parent).
 */
export interface AliasRecord {
    readonly urn?: string;
    readonly name?: string;
    readonly type?: string;
    readonly stack?: string;
    readonly project?: string;
    /** Old parent's URN ("" with `noParent` or when not given). */
    readonly parentUrn?: string;
    /** The old resource had no parent (it sat under the stack). */
    readonly noParent?: boolean;
}

/** The resources registered since the last {@link record}/{@link reset}. */
export class Recording {
    constructor(readonly resources: Registration[]) {}

    /** Every resource of a type token, e.g. `aws:ec2/securityGroup:SecurityGroup`. */
    ofType(type: string): Registration[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The single resource of a type (optionally with a name); fails otherwise. */
    one(type: string, name?: string): Registration {
        const found = this.ofType(type).filter((r) => name === undefined || r.name === name);
        if (found.length !== 1) {
            throw new Error(
                `expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`,
            );
        }
        return found[0];
    }

    /** The resource with this logical name. */
    named(name: string): Registration {
        const found = this.resources.filter((r) => r.name === name);
        if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}`);
        return found[0];
    }

    /** Children (direct) of a resource. */
    childrenOf(parent: Registration): Registration[] {
        return this.resources.filter((r) => r.parent === parent.urn);
    }

    byUrn(urn: string): Registration | undefined {
        return this.resources.find((r) => r.urn === urn);
    }

    get count(): number {
        return this.resources.length;
    }
}

let current: Registration[] = [];
let serial = 0;
let region = DEFAULT_REGION;

/** Region the mocks report (getRegion, ARNs); set per stack by the stack harness. */
export function setMockRegion(r: string): void {
    region = r;
}

/**
 * Deterministic hex digits for ids, distinct per `n`. 32-bit integer maths
 * (Math.imul): plain multiplication loses the low bits beyond 2^53, which
 * made most ids all zeros and so equal across resources.
 */
function hex(n: number, len: number): string {
    let h = "";
    let x = (Math.imul(n, 2654435761) + len) >>> 0;
    while (h.length < len) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        h += (x >>> 28).toString(16);
    }
    return h;
}

/** `aws:ec2/securityGroup:SecurityGroup` -> `ec2` */
function service(type: string): string {
    return type.split(":")[1]?.split("/")[0] ?? "unknown";
}

type Computed = (name: string, inputs: Record<string, any>, id: string) => Record<string, any>;

const arn = (svc: string, resource: string, global = false) =>
    `arn:aws:${svc}:${global ? "" : region}:${ACCOUNT_ID}:${resource}`;

function zoneNames(count: number): string[] {
    return Array.from({ length: count }, (_, i) => `${region}${"abcdef"[i]}`);
}

const rpcWire = require("@pulumi/pulumi/runtime/rpc") as { specialSigKey: string; specialResourceSig: string };

/**
 * A resource that a remote (multi-language) component created on the provider
 * side, returned the way the engine returns it: a resource reference. The
 * SDK turns the reference into a resource object (e.g. an
 * `aws.ec2.RouteTableAssociation`) and reads its state with the
 * `pulumi:pulumi:getResource` invoke, which the mock monitor answers from
 * its table; so `ref.subnetId` resolves under the mocks as it does for real.
 * These children are not recorded as registrations (the program did not
 * register them).
 */
function remoteChild(
    parentType: string,
    type: string,
    name: string,
    id: string,
    state: Record<string, any>,
): Record<string, any> {
    const urn = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${parentType}$${type}::${name}`;
    const monitor = (pulumi.runtime as any).getMonitor();
    monitor?.resources?.set(urn, { urn, id, state });
    return { [rpcWire.specialSigKey]: rpcWire.specialResourceSig, urn, id };
}

/**
 * Outputs of an awsx VPC, in the provider's shapes: id lists
 * (`subnet-<spec>-<zone>`), the subnet layout, and resource references for
 * the VPC, its internet gateway, the route table associations (one route
 * table per subnet, as awsx creates them; `routeTableId` is
 * `rtb-<spec>-<zone>`) and the NAT gateways and EIPs the NAT strategy calls
 * for. Children are named as awsx names them (`<vpc>-<spec>-<zone#>`).
 * Each reference costs about 25 ms to resolve under ts-node, so `subnets`,
 * `routeTables`, `routes` and the per-tier subnet lists stay empty: their
 * ids are in `*SubnetIds` and in the associations.
 */
function awsxVpcOutputs(name: string, inputs: Record<string, any>, id: string): Record<string, any> {
    const zones: string[] = inputs.availabilityZoneNames ?? zoneNames(inputs.numberOfAvailabilityZones ?? 3);
    const specs: { type: string; name?: string; cidrMask?: number }[] = inputs.subnetSpecs ?? [
        { type: "Public" },
        { type: "Private" },
    ];
    const nat: string = inputs.natGateways?.strategy ?? "OnePerAz";
    const vpcId = `vpc-${hex(serial, 17)}`;
    const child = (type: string, childName: string, childId: string, state: Record<string, any>) =>
        remoteChild("awsx:ec2:Vpc", type, childName, childId, state);
    const vpc = child("aws:ec2/vpc:Vpc", name, vpcId, {
        cidrBlock: inputs.cidrBlock ?? "10.0.0.0/16",
        enableDnsHostnames: inputs.enableDnsHostnames ?? false,
        enableDnsSupport: inputs.enableDnsSupport ?? true,
        arn: arn("ec2", `vpc/${vpcId}`),
        defaultSecurityGroupId: `sg-default-${vpcId}`,
        mainRouteTableId: `rtb-main-${vpcId}`,
        tags: { ...inputs.tags, Name: name },
    });
    const igwId = `igw-${hex(serial, 17)}`;
    const internetGateway = child("aws:ec2/internetGateway:InternetGateway", name, igwId, {
        vpcId,
        arn: arn("ec2", `internet-gateway/${igwId}`),
    });
    const ids: Record<string, string[]> = { Public: [], Private: [], Isolated: [], Unused: [] };
    const subnets: Record<string, any>[] = [];
    const associations: Record<string, any>[] = [];
    const natGateways: Record<string, any>[] = [];
    const eips: Record<string, any>[] = [];
    const layout: Record<string, any>[] = specs.map((spec) => ({
        type: spec.type,
        name: spec.name ?? spec.type.toLowerCase(),
        cidrMask: spec.cidrMask,
    }));
    // awsx creates each zone's subnets public first, then private, then isolated.
    const order = ["Public", "Private", "Isolated"];
    const sorted = specs
        .filter((sp) => order.includes(sp.type))
        .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
    zones.forEach((zone, z) => {
        sorted.forEach((spec) => {
            const specName = spec.name ?? spec.type.toLowerCase();
            const subnetName = `${name}-${specName}-${z + 1}`;
            const subnetId = `subnet-${specName}-${zone}`;
            ids[spec.type].push(subnetId);
            const cidrBlock = `10.0.${specs.indexOf(spec) * 16 + z}.0/24`;
            subnets.push({ id: subnetId, availabilityZone: zone, cidrBlock, vpcId });
            associations.push(
                child(
                    "aws:ec2/routeTableAssociation:RouteTableAssociation",
                    subnetName,
                    `rtbassoc-${specName}-${zone}`,
                    { routeTableId: `rtb-${specName}-${zone}`, subnetId },
                ),
            );
            const wantsNat = nat === "OnePerAz" ? natGateways.length < z + 1 : nat === "Single" && !natGateways.length;
            if (spec.type === "Public" && wantsNat) {
                const natName = `${name}-${z + 1}`;
                const allocationId = `eipalloc-${hex(serial + z, 17)}`;
                const publicIp = `203.0.113.${10 + z}`;
                eips.push(child("aws:ec2/eip:Eip", natName, allocationId, { allocationId, domain: "vpc", publicIp }));
                natGateways.push(
                    child("aws:ec2/natGateway:NatGateway", natName, `nat-${hex(serial + z, 17)}`, {
                        subnetId,
                        allocationId,
                        connectivityType: "public",
                        publicIp,
                    }),
                );
            }
        });
    });
    return {
        vpcId,
        publicSubnetIds: ids.Public,
        privateSubnetIds: ids.Private,
        isolatedSubnetIds: ids.Isolated,
        subnetLayout: layout,
        vpc,
        internetGateway,
        eips,
        natGateways,
        routeTableAssociations: associations,
        routeTables: [],
        routes: [],
        subnets: [],
        publicSubnets: [],
        privateSubnets: [],
        isolatedSubnets: [],
        vpcEndpoints: [],
        _mockSubnets: subnets,
        _mockName: name,
        _mockId: id,
    };
}

/** Computed outputs per resource type, on top of the inputs. */
const COMPUTED: Record<string, Computed> = {
    "awsx:ec2:Vpc": awsxVpcOutputs,
    "aws:ec2/vpc:Vpc": (_n, i, id) => ({
        arn: arn("ec2", `vpc/${id}`),
        defaultSecurityGroupId: `sg-default-${id}`,
        mainRouteTableId: `rtb-main-${id}`,
        cidrBlock: i.cidrBlock,
    }),
    "aws:ec2/securityGroup:SecurityGroup": (_n, _i, id) => ({ arn: arn("ec2", `security-group/${id}`) }),
    "aws:ec2/launchTemplate:LaunchTemplate": (_n, _i, id) => ({
        arn: arn("ec2", `launch-template/${id}`),
        latestVersion: 1,
        defaultVersion: 1,
    }),
    "aws:ec2/vpcEndpoint:VpcEndpoint": (_n, _i, id) => ({
        arn: arn("ec2", `vpc-endpoint/${id}`),
        dnsEntries: [{ dnsName: `${id}.vpce.amazonaws.com`, hostedZoneId: "Z7HUB22UULQXV" }],
    }),
    "aws:ec2/flowLog:FlowLog": (_n, _i, id) => ({ arn: arn("ec2", `vpc-flow-log/${id}`) }),
    "aws:cloudwatch/logGroup:LogGroup": (n, i) => ({ arn: arn("logs", `log-group:${i.name ?? n}`), name: i.name ?? n }),
    "aws:iam/role:Role": (n, i) => ({
        arn: arn("iam", `role/${i.name ?? n}`, true),
        name: i.name ?? n,
        uniqueId: `AROA${hex(serial, 17).toUpperCase()}`,
    }),
    "aws:iam/policy:Policy": (n, i) => ({
        arn: arn("iam", `policy/${i.name ?? n}`, true),
        policyId: `ANPA${hex(serial, 17).toUpperCase()}`,
    }),
    "aws:iam/instanceProfile:InstanceProfile": (n, i) => ({ arn: arn("iam", `instance-profile/${i.name ?? n}`, true) }),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (_n, i) => ({
        arn: arn("iam", `oidc-provider/${String(i.url ?? "").replace(/^https:\/\//, "")}`, true),
    }),
    "aws:ecs/cluster:Cluster": (n, i) => ({ arn: arn("ecs", `cluster/${i.name ?? n}`), name: i.name ?? n }),
    "aws:ecs/service:Service": (n, i) => ({
        id: arn("ecs", `service/${i.cluster ?? "cluster"}/${i.name ?? n}`),
        name: i.name ?? n,
    }),
    "aws:ecs/taskDefinition:TaskDefinition": (n, i) => ({
        arn: arn("ecs", `task-definition/${i.family ?? n}:1`),
        arnWithoutRevision: arn("ecs", `task-definition/${i.family ?? n}`),
        revision: 1,
    }),
    "aws:ecs/capacityProvider:CapacityProvider": (n, i) => ({
        arn: arn("ecs", `capacity-provider/${i.name ?? n}`),
        name: i.name ?? n,
    }),
    "aws:ecr/repository:Repository": (n, i) => ({
        arn: arn("ecr", `repository/${i.name ?? n}`),
        name: i.name ?? n,
        repositoryUrl: `${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${i.name ?? n}`,
        registryId: ACCOUNT_ID,
    }),
    "aws:autoscaling/group:Group": (n, i) => ({
        arn: arn("autoscaling", `autoScalingGroup:uuid:autoScalingGroupName/${i.name ?? n}`),
        name: i.name ?? n,
    }),
    "aws:lb/loadBalancer:LoadBalancer": (n, _i, id) => ({
        arn: arn("elasticloadbalancing", `loadbalancer/app/${n}/${id}`),
        arnSuffix: `app/${n}/${id}`,
        dnsName: `${n}-${hex(serial, 8)}.${region}.elb.amazonaws.com`,
        zoneId: "Z35SXDOTRQ7X7K",
    }),
    "aws:lb/targetGroup:TargetGroup": (n, _i, id) => ({
        arn: arn("elasticloadbalancing", `targetgroup/${n}/${id}`),
        arnSuffix: `targetgroup/${n}/${id}`,
    }),
    "aws:lb/listener:Listener": (n, _i, id) => ({ arn: arn("elasticloadbalancing", `listener/app/${n}/${id}`) }),
    "aws:rds/instance:Instance": (n, i, id) => {
        const host = `${i.identifier ?? n}.c${hex(serial, 11)}.${region}.rds.amazonaws.com`;
        const port = i.port ?? 5432;
        return {
            arn: arn("rds", `db:${i.identifier ?? n}`),
            address: host,
            endpoint: `${host}:${port}`,
            port,
            identifier: i.identifier ?? n,
            resourceId: `db-${hex(serial, 26).toUpperCase()}`,
            hostedZoneId: "Z2R2ITUGPM61AM",
            masterUserSecrets: i.manageMasterUserPassword
                ? [
                      {
                          secretArn: arn("secretsmanager", `secret:rds!${id}-AbCdEf`),
                          kmsKeyId: arn("kms", "key/aws-rds"),
                          secretStatus: "active",
                      },
                  ]
                : [],
        };
    },
    "aws:rds/subnetGroup:SubnetGroup": (n, i) => ({ arn: arn("rds", `subgrp:${i.name ?? n}`), name: i.name ?? n }),
    "aws:rds/parameterGroup:ParameterGroup": (n, i) => ({ arn: arn("rds", `pg:${i.name ?? n}`), name: i.name ?? n }),
    "aws:s3/bucket:Bucket": (n, i) => ({
        arn: `arn:aws:s3:::${i.bucket ?? n}`,
        bucket: i.bucket ?? n,
        bucketRegionalDomainName: `${i.bucket ?? n}.s3.${region}.amazonaws.com`,
        region,
    }),
    "aws:s3/bucketV2:BucketV2": (n, i) => ({
        arn: `arn:aws:s3:::${i.bucket ?? n}`,
        bucket: i.bucket ?? n,
        bucketRegionalDomainName: `${i.bucket ?? n}.s3.${region}.amazonaws.com`,
        region,
    }),
    "aws:lambda/function:Function": (n, i) => ({
        arn: arn("lambda", `function:${i.name ?? n}`),
        invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn("lambda", `function:${i.name ?? n}`)}/invocations`,
        qualifiedArn: arn("lambda", `function:${i.name ?? n}:$LATEST`),
        version: "$LATEST",
        name: i.name ?? n,
    }),
    "aws:sns/topic:Topic": (n, i) => ({ arn: arn("sns", i.name ?? n), name: i.name ?? n }),
    "aws:sns/topicSubscription:TopicSubscription": (_n, i, id) => ({ arn: `${i.topic ?? arn("sns", "topic")}:${id}` }),
    "aws:sqs/queue:Queue": (n, i) => ({
        arn: arn("sqs", i.name ?? n),
        url: `https://sqs.${region}.amazonaws.com/${ACCOUNT_ID}/${i.name ?? n}`,
        name: i.name ?? n,
    }),
    "aws:secretsmanager/secret:Secret": (n, i) => ({ arn: arn("secretsmanager", `secret:${i.name ?? n}-AbCdEf`) }),
    "aws:kms/key:Key": (_n, _i, id) => ({ arn: arn("kms", `key/${id}`), keyId: id }),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (n, i) => ({ arn: arn("cloudwatch", `alarm:${i.name ?? n}`) }),
    "aws:cloudwatch/dashboard:Dashboard": (n, i) => ({
        dashboardArn: `arn:aws:cloudwatch::${ACCOUNT_ID}:dashboard/${i.dashboardName ?? n}`,
    }),
    "aws:budgets/budget:Budget": (n, i) => ({ arn: `arn:aws:budgets::${ACCOUNT_ID}:budget/${i.name ?? n}` }),
    "aws:acm/certificate:Certificate": (_n, i, id) => ({
        arn: arn("acm", `certificate/${id}`),
        domainValidationOptions: [
            {
                domainName: i.domainName,
                resourceRecordName: `_x1.${i.domainName}.`,
                resourceRecordType: "CNAME",
                resourceRecordValue: `_y1.acm-validations.aws.`,
            },
        ],
        status: "ISSUED",
    }),
    "aws:route53/record:Record": (_n, i) => ({ fqdn: String(i.name ?? "").replace(/\.$/, "") }),
    "aws:acm/certificateValidation:CertificateValidation": (_n, i) => ({ certificateArn: i.certificateArn }),
    "aws:wafv2/webAcl:WebAcl": (n, i, id) => ({
        arn: arn("wafv2", `regional/webacl/${i.name ?? n}/${id}`),
        capacity: 700,
    }),
    "aws:apigatewayv2/api:Api": (_n, _i, id) => ({
        apiEndpoint: `https://${id}.execute-api.${region}.amazonaws.com`,
        arn: `arn:aws:apigateway:${region}::/apis/${id}`,
        executionArn: arn("execute-api", id),
    }),
    "aws:apigatewayv2/stage:Stage": (_n, i) => ({
        invokeUrl: `https://${i.apiId}.execute-api.${region}.amazonaws.com/`,
        arn: `arn:aws:apigateway:${region}::/apis/${i.apiId}/stages/${i.name}`,
    }),
    "aws:apigatewayv2/vpcLink:VpcLink": (_n, _i, id) => ({ arn: `arn:aws:apigateway:${region}::/vpclinks/${id}` }),
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": (_n, _i, id) => ({
        arn: arn("servicediscovery", `namespace/${id}`),
        hostedZone: `Z${hex(serial, 13).toUpperCase()}`,
    }),
    "aws:servicediscovery/service:Service": (_n, _i, id) => ({ arn: arn("servicediscovery", `service/${id}`) }),
    "docker:index/image:Image": (_n, i) => ({
        repoDigest: `${String(i.imageName ?? "image").split(":")[0]}@sha256:${hex(serial, 64)}`,
        imageName: i.imageName,
        baseImageName: i.imageName,
    }),
    "random:index/randomPassword:RandomPassword": () => ({ result: "mock-generated-password-0123456789" }),
};

/** Physical id per resource type family, in AWS's shapes. */
function physicalId(type: string, name: string): string {
    const n = serial;
    const prefixes: Record<string, string> = {
        "aws:ec2/securityGroup:SecurityGroup": "sg-",
        "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
        "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-",
        "aws:ec2/flowLog:FlowLog": "fl-",
        "aws:ec2/vpc:Vpc": "vpc-",
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg-",
        "aws:kms/key:Key": "",
    };
    const p = prefixes[type];
    if (p !== undefined) return `${p}${hex(n, 17)}`;
    return `${name}-id`;
}

function computedFor(type: string, name: string, inputs: Record<string, any>, id: string): Record<string, any> {
    const specific = COMPUTED[type];
    if (specific) return specific(name, inputs, id);
    // Generic fallback: an ARN in the resource's service namespace.
    return { arn: arn(service(type), `${type.split(":").pop()?.toLowerCase() ?? "resource"}/${name}`) };
}

/** Answers for the data-source calls (invokes) the program makes. */
function callResult(token: string, inputs: Record<string, any>): Record<string, any> {
    switch (token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const names = zoneNames(3);
            return { names, zoneIds: names.map((_, i) => `use1-az${i + 1}`), groupNames: [region], id: region };
        }
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                accountId: ACCOUNT_ID,
                arn: `arn:aws:iam::${ACCOUNT_ID}:user/deployer`,
                userId: "AIDAEXAMPLE",
                id: ACCOUNT_ID,
            };
        case "aws:index/getRegion:getRegion":
            return {
                name: inputs.region ?? region,
                region: inputs.region ?? region,
                id: inputs.region ?? region,
                endpoint: `ec2.${region}.amazonaws.com`,
                description: region,
            };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
        case "aws:ssm/getParameter:getParameter":
            return {
                name: inputs.name,
                value: `ami-${hex(String(inputs.name).length, 17)}`,
                type: "String",
                arn: arn("ssm", `parameter${inputs.name}`),
                id: inputs.name,
                version: 1,
                insecureValue: `ami-${hex(String(inputs.name).length, 17)}`,
            };
        case "aws:iam/getPolicyDocument:getPolicyDocument":
            return { json: policyJson(inputs), id: "policy" };
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return {
                userName: "AWS",
                password: "mock-ecr-token",
                proxyEndpoint: `https://${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com`,
                authorizationToken: "QVdTOm1vY2s=",
                expiresAt: "2099-01-01T00:00:00Z",
                id: region,
            };
        case "aws:route53/getZone:getZone":
            return {
                zoneId: "Z0123456789ABCDEFGHIJ",
                name: inputs.name,
                id: "Z0123456789ABCDEFGHIJ",
                nameServers: ["ns-1.awsdns-01.org"],
            };
        case "aws:elb/getServiceAccount:getServiceAccount":
            return { arn: "arn:aws:iam::127311923021:root", id: "127311923021" };
        case "aws:ec2/getManagedPrefixList:getManagedPrefixList":
            return { id: "pl-63a5400a", name: inputs.name, entries: [] };
        default:
            throw new Error(`test harness: no mock answer for data source ${token}; add one to test/harness/mocks.ts`);
    }
}

/** Renders iam.getPolicyDocument inputs into the JSON AWS would return. */
function policyJson(inputs: Record<string, any>): string {
    const statements = (inputs.statements ?? []).map((s: Record<string, any>) => {
        const out: Record<string, any> = { Effect: s.effect ?? "Allow" };
        if (s.sid) out.Sid = s.sid;
        if (s.actions) out.Action = s.actions.length === 1 ? s.actions[0] : s.actions;
        if (s.resources) out.Resource = s.resources.length === 1 ? s.resources[0] : s.resources;
        if (s.principals) {
            out.Principal = Object.fromEntries(
                s.principals.map((p: { type: string; identifiers: string[] }) => [
                    p.type,
                    p.identifiers.length === 1 ? p.identifiers[0] : p.identifiers,
                ]),
            );
        }
        if (s.conditions) {
            out.Condition = {};
            for (const c of s.conditions) {
                out.Condition[c.test] = {
                    ...(out.Condition[c.test] ?? {}),
                    [c.variable]: c.values.length === 1 ? c.values[0] : c.values,
                };
            }
        }
        return out;
    });
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

const mocks: pulumi.runtime.Mocks = {
    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        serial += 1;
        const id = args.id || physicalId(args.type, args.name);
        const state = { ...args.inputs, ...computedFor(args.type, args.name, args.inputs, id) };
        pending.set(`${args.type}::${args.name}`, {
            inputs: unwrapSecrets(args.inputs),
            state,
            custom: args.custom ?? false,
            provider: args.provider ?? "",
            id: args.custom === false ? "" : id,
        });
        return { id: args.custom === false ? undefined : id, state };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        return callResult(args.token, args.inputs);
    },
};

/** newResource results waiting to be joined with the request's options. */
const pending = new Map<string, { inputs: any; state: any; custom: boolean; provider: string; id: string }>();

/**
 * Sets the mocks (project and stack names) and wraps the mock monitor so each
 * registration's options (parent, protect, retainOnDelete, dependencies) are
 * recorded too.
 */
export async function installMocks(stack = "test", project = "aws-webapp"): Promise<void> {
    await pulumi.runtime.setMocks(mocks, project, stack, false);
    const monitor = (pulumi.runtime as any).getMonitor() as { registerResource: (req: any, cb: any) => Promise<void> };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = async (req: any, callback: (err: any, res: any) => void) => {
        await original(req, (err: any, res: any) => {
            if (!err) {
                const key = `${req.getType()}::${req.getName()}`;
                const p = pending.get(key);
                pending.delete(key);
                current.push({
                    type: req.getType(),
                    name: req.getName(),
                    urn: res.getUrn(),
                    inputs: p?.inputs ?? {},
                    state: p?.state ?? {},
                    custom: req.getCustom(),
                    parent: req.getParent(),
                    protect: req.getProtect() === true,
                    retainOnDelete: req.getRetainondelete() === true,
                    dependencies: req.getDependenciesList(),
                    provider: req.getProvider(),
                    secretInputs: secretKeys(req.getObject()?.toJavaScript?.() ?? {}),
                    ignoreChanges: req.getIgnorechangesList?.() ?? [],
                    id: p?.id ?? "",
                    aliases: aliasRecords(req.getAliasesList?.() ?? [], req.getAliasurnsList?.() ?? []),
                });
            }
            callback(err, res);
        });
    };
}

/** The request's aliases (specs, or plain URNs) as {@link AliasRecord}s; empty strings mean "unset". */
function aliasRecords(aliases: any[], urns: string[]): AliasRecord[] {
    const specs = aliases.map((a): AliasRecord => {
        if (a.getUrn?.()) return { urn: a.getUrn() };
        const s = a.getSpec();
        const set = (v: string) => (v === "" ? undefined : v);
        return {
            name: set(s.getName()),
            type: set(s.getType()),
            stack: set(s.getStack()),
            project: set(s.getProject()),
            parentUrn: set(s.getParenturn()),
            noParent: s.getNoparent() === true,
        };
    });
    return [...specs, ...urns.map((urn) => ({ urn }))];
}

/** Pulumi's wire marker for a secret value. */
const SPECIAL_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** The inputs with secret wrappers replaced by their values, for assertions. */
function unwrapSecrets(value: any): any {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value === null || typeof value !== "object") return value;
    if (value[SPECIAL_SIG] === SECRET_SIG) return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
}

function secretKeys(raw: Record<string, any>): string[] {
    return Object.entries(raw)
        .filter(([, v]) => v !== null && typeof v === "object" && v[SPECIAL_SIG] === SECRET_SIG)
        .map(([k]) => k);
}

/** Waits until every outstanding registration and output has settled. */
export async function settle(): Promise<void> {
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    // Several rounds: resolving one output can register further resources.
    for (let i = 0; i < 5; i++) {
        await settings.waitForRPCs();
        await new Promise((r) => setImmediate(r));
    }
}

/**
 * Runs `fn` against a fresh recording and returns everything it registered
 * once the registrations have settled. A throw from `fn` propagates (after
 * settling), so tests can also assert that nothing was registered.
 */
export async function record(fn: () => unknown): Promise<Recording> {
    current = [];
    let failure: unknown;
    let value: unknown;
    try {
        value = fn();
        await value;
    } catch (e) {
        failure = e;
    }
    await settle();
    const rec = new Recording(current);
    current = [];
    if (failure !== undefined) throw Object.assign(failure as object, { recording: rec });
    return rec;
}

/** Resolves an Output (or plain value) to its value, for assertions. */
export function valueOf<T>(o: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(o).apply((v) => resolve(v as T)));
}

/** Asserts that `fn` throws before registering anything; returns the message. */
export async function failsBeforeRegistering(fn: () => unknown): Promise<string> {
    try {
        await record(fn);
    } catch (e: any) {
        const rec: Recording | undefined = e.recording;
        if (rec && rec.count > 0) {
            throw new Error(
                `expected no registrations before the error, found ${rec.resources.map((r) => r.type).join(", ")}`,
            );
        }
        return String(e.message);
    }
    throw new Error("expected an error, but none was thrown");
}

// Set once, at import, so code under test always sees the mock engine.
const ready = installMocks();
export const mocksReady = ready;
