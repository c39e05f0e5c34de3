/**
 * The properties that matter per resource type (sizes, exposure, encryption),
 * as short `key: value` pairs for the tree and the JSON plan.
 */
import type { PlanResource } from "./model";
import { alarmMetrics, awsxNatCount } from "./cost";
import { at, bool, COMPUTED, list, num, SECRET, str } from "./values";

type Props = Record<string, string>;
type Extract = (inputs: Record<string, unknown>) => Props;

const WORLD = ["0.0.0.0/0", "::/0"];

/** Puts the entries whose value is defined, in order. */
function pick(entries: [string, unknown][]): Props {
    const out: Props = {};
    for (const [k, v] of entries) {
        if (v === undefined || v === null || v === "") continue;
        out[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return out;
}

const yesNo = (v: unknown, yes: string, no: string) => (bool(v) === undefined ? undefined : bool(v) ? yes : no);

function ports(from: unknown, to: unknown, protocol: unknown): string {
    if (str(protocol) === "-1" || str(protocol) === "all") return "all ports";
    const a = num(from);
    const b = num(to);
    return a === b || b === undefined ? `${a ?? "?"}` : `${a}-${b}`;
}

function volumes(mappings: unknown): string | undefined {
    const l = list(mappings);
    if (!l || l.length === 0) return undefined;
    return l
        .map((m) => {
            const e = at(m, "ebs");
            const enc = bool(at(e, "encrypted"));
            return `${num(at(e, "volumeSize")) ?? "AMI"} GB ${str(at(e, "volumeType")) ?? ""}${enc === undefined ? "" : enc ? " encrypted" : " UNENCRYPTED"}`.replace(
                /\s+/g,
                " ",
            );
        })
        .join(", ");
}

function imds(options: unknown): string | undefined {
    const tokens = str(at(options, "httpTokens"));
    return tokens === undefined ? undefined : tokens === "required" ? "IMDSv2 only" : `IMDS tokens ${tokens}`;
}

const BY_TYPE: Record<string, Extract> = {
    "awsx:ec2:Vpc": (i) =>
        pick([
            ["cidr", i.cidrBlock],
            ["zones", list(i.availabilityZoneNames)?.length ?? i.numberOfAvailabilityZones ?? 3],
            ["NAT gateways", awsxNatCount(i)],
            [
                "subnets",
                list(i.subnetSpecs)
                    ?.map((s) => str(at(s, "type")))
                    .join("/"),
            ],
        ]),
    "aws:ec2/vpc:Vpc": (i) => pick([["cidr", i.cidrBlock]]),
    "aws:ec2/subnet:Subnet": (i) =>
        pick([
            ["cidr", i.cidrBlock],
            ["public IP on launch", bool(i.mapPublicIpOnLaunch) ? "yes" : undefined],
        ]),
    "aws:ec2/launchTemplate:LaunchTemplate": (i) =>
        pick([
            ["type", i.instanceType],
            ["volumes", volumes(i.blockDeviceMappings)],
            ["metadata", imds(i.metadataOptions)],
            [
                "public IP",
                (list(i.networkInterfaces) ?? []).some((n) => bool(at(n, "associatePublicIpAddress")))
                    ? "yes"
                    : undefined,
            ],
            ["market", str(at(i, "instanceMarketOptions.marketType"))],
        ]),
    "aws:autoscaling/group:Group": (i) => {
        const d = at(i, "mixedInstancesPolicy.instancesDistribution");
        const types = (list(at(i, "mixedInstancesPolicy.launchTemplate.overrides")) ?? [])
            .map((o) => str(at(o, "instanceType")))
            .filter(Boolean);
        return pick([
            ["size", `${i.minSize ?? "?"}/${i.desiredCapacity ?? "-"}/${i.maxSize ?? "?"} (min/desired/max)`],
            ["types", types.length ? types.join(",") : undefined],
            [
                "on-demand",
                i.mixedInstancesPolicy
                    ? `base ${num(at(d, "onDemandBaseCapacity")) ?? 0} + ${num(at(d, "onDemandPercentageAboveBaseCapacity")) ?? 100} % (rest spot)`
                    : undefined,
            ],
        ]);
    },
    "aws:ec2/instance:Instance": (i) =>
        pick([
            ["type", i.instanceType],
            ["public IP", yesNo(i.associatePublicIpAddress, "yes", "no")],
            ["metadata", imds(i.metadataOptions)],
        ]),
    "aws:ecs/cluster:Cluster": (i) =>
        pick([
            [
                "Container Insights",
                str(
                    at(
                        (list(i.settings) ?? []).find((s) => at(s, "name") === "containerInsights"),
                        "value",
                    ),
                ),
            ],
        ]),
    "aws:ecs/service:Service": (i) =>
        pick([
            ["desired tasks", i.desiredCount],
            ["launch", i.launchType ?? (list(i.capacityProviderStrategies) ? "capacity provider" : undefined)],
            ["public IP", yesNo(at(i, "networkConfiguration.assignPublicIp"), "ASSIGNED", "no")],
            ["service discovery", i.serviceRegistries ? "Cloud Map" : undefined],
            ["load balancers", list(i.loadBalancers)?.length],
        ]),
    "aws:ecs/taskDefinition:TaskDefinition": (i) =>
        pick([
            ["cpu", i.cpu],
            ["memory", i.memory],
            ["network", i.networkMode],
        ]),
    "aws:lb/loadBalancer:LoadBalancer": (i) =>
        pick([
            ["type", i.loadBalancerType ?? "application"],
            ["exposure", bool(i.internal) ? "internal" : "INTERNET-FACING"],
            ["zones", list(i.subnets)?.length ?? list(i.subnetMappings)?.length],
            ["drop invalid headers", yesNo(i.dropInvalidHeaderFields, "yes", "no")],
        ]),
    "aws:lb/listener:Listener": (i) =>
        pick([
            ["listen", `${i.protocol ?? "?"}:${i.port ?? "?"}`],
            ["TLS policy", i.sslPolicy],
            ["default", str(at(i, "defaultActions.0.type"))],
        ]),
    "aws:lb/targetGroup:TargetGroup": (i) =>
        pick([
            ["target", `${i.protocol ?? "?"}:${i.port ?? "?"} ${i.targetType ?? "instance"}`],
            ["health", str(at(i, "healthCheck.path"))],
        ]),
    "aws:lb/listenerRule:ListenerRule": (i) =>
        pick([
            ["priority", i.priority],
            // Conditions holding the origin header's value are secret as a whole.
            ["conditions", i.conditions === SECRET ? "secret (origin header)" : undefined],
            ["paths", list(at(i, "conditions.0.pathPattern.values"))?.join(",")],
        ]),
    "aws:cloudfront/distribution:Distribution": (i) => {
        const origins = list(i.origins) ?? [];
        const s3 = origins.filter((o) => at(o, "customOriginConfig") === undefined);
        const behaviours = [i.defaultCacheBehavior, ...(list(i.orderedCacheBehaviors) ?? [])];
        return pick([
            ["origins", i.origins === SECRET ? "secret (origin header)" : origins.length],
            [
                "S3 via OAC",
                i.origins === SECRET
                    ? undefined
                    : `${s3.filter((o) => str(at(o, "originAccessControlId")) !== undefined).length}/${s3.length}`,
            ],
            [
                "viewer HTTP",
                behaviours.every((b) =>
                    ["https-only", "redirect-to-https"].includes(str(at(b, "viewerProtocolPolicy")) ?? ""),
                )
                    ? "redirected or refused"
                    : "SERVED",
            ],
            ["TLS", str(at(i, "viewerCertificate.minimumProtocolVersion")) ?? "CloudFront default certificate"],
            ["web ACL", i.webAclId ? "yes" : "no"],
        ]);
    },
    "aws:apigatewayv2/api:Api": (i) => pick([["protocol", i.protocolType]]),
    "aws:rds/instance:Instance": (i) =>
        pick([
            ["class", i.instanceClass],
            ["engine", `${i.engine ?? "?"} ${i.engineVersion ?? ""}`.trim()],
            ["storage", `${i.allocatedStorage ?? "?"} GB ${i.storageType ?? ""}`.trim()],
            ["Multi-AZ", yesNo(i.multiAz, "yes", "no") ?? "no"],
            ["encrypted", yesNo(i.storageEncrypted, "yes", "NO") ?? "NO"],
            ["publicly accessible", yesNo(i.publiclyAccessible, "YES", "no") ?? "no"],
            ["deletion protection", yesNo(i.deletionProtection, "yes", "no")],
            ["backups", num(i.backupRetentionPeriod) === undefined ? undefined : `${i.backupRetentionPeriod} days`],
        ]),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (i) =>
        pick([
            [
                "public access",
                ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every(
                    (k) => bool(i[k]) === true,
                )
                    ? "blocked"
                    : "NOT FULLY BLOCKED",
            ],
        ]),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (i) =>
        pick([["encryption", str(at(i, "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm"))]]),
    "aws:lambda/function:Function": (i) =>
        pick([
            ["runtime", i.runtime],
            ["memory", num(i.memorySize) === undefined ? undefined : `${i.memorySize} MB`],
            ["arch", list(i.architectures)?.join(",")],
            ["timeout", num(i.timeout) === undefined ? undefined : `${i.timeout} s`],
        ]),
    "aws:sns/topic:Topic": (i) => pick([["encrypted", i.kmsMasterKeyId ? "KMS" : "no"]]),
    "aws:sqs/queue:Queue": (i) =>
        pick([
            ["encrypted", i.kmsMasterKeyId ? "KMS" : bool(i.sqsManagedSseEnabled) === false ? "no" : "SQS-managed"],
            [
                "retention",
                num(i.messageRetentionSeconds) === undefined
                    ? undefined
                    : `${Math.round(num(i.messageRetentionSeconds)! / 86400)} days`,
            ],
        ]),
    "aws:cloudwatch/logGroup:LogGroup": (i) =>
        pick([
            ["retention", num(i.retentionInDays) === undefined ? "NEVER EXPIRES" : `${i.retentionInDays} days`],
            ["KMS", i.kmsKeyId ? "yes" : undefined],
        ]),
    "aws:kms/key:Key": (i) => pick([["rotation", yesNo(i.enableKeyRotation, "yes", "no") ?? "no"]]),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (i) => {
        const m = alarmMetrics(i);
        return pick([
            [
                "metric",
                list(i.metricQueries)
                    ? `metric math (${m.metrics} metric${m.metrics === 1 ? "" : "s"})`
                    : `${i.namespace ?? "?"} ${i.metricName ?? "?"}`,
            ],
            ["threshold", i.threshold],
        ]);
    },
    "aws:wafv2/webAcl:WebAcl": (i) =>
        pick([
            ["scope", i.scope],
            ["rules", list(i.rules)?.length ?? (i.ruleJson ? "JSON" : 0)],
            ["default", at(i, "defaultAction.block") ? "block" : at(i, "defaultAction.allow") ? "allow" : undefined],
        ]),
    "aws:ecr/repository:Repository": (i) =>
        pick([
            ["scan on push", yesNo(at(i, "imageScanningConfiguration.scanOnPush"), "yes", "no")],
            [
                "tags",
                str(i.imageTagMutability) === "IMMUTABLE_WITH_EXCLUSION"
                    ? `IMMUTABLE except ${(list(i.imageTagMutabilityExclusionFilters) ?? []).map((f) => str(at(f, "filter"))).join(", ")}`
                    : (i.imageTagMutability ?? "MUTABLE"),
            ],
            ["encryption", str(at(i, "encryptionConfigurations.0.encryptionType"))],
        ]),
    "aws:route53/record:Record": (i) => pick([["record", `${i.name ?? "?"} ${i.type ?? ""}`.trim()]]),
    "aws:acm/certificate:Certificate": (i) =>
        pick([
            ["domain", i.domainName],
            ["validation", i.validationMethod],
        ]),
    "aws:budgets/budget:Budget": (i) =>
        pick([
            ["limit", `${i.limitAmount ?? "?"} ${i.limitUnit ?? ""}`.trim()],
            [
                "filter",
                (list(i.costFilters) ?? [])
                    .flatMap((f) => (list(at(f, "values")) ?? []).map((v) => `${str(at(f, "name"))} ${String(v)}`))
                    .join(", ") || "none (account-wide)",
            ],
        ]),
    "aws:s3/bucket:Bucket": (i) => pick([["force destroy", yesNo(i.forceDestroy, "yes", "no") ?? "no"]]),
    "aws:appautoscaling/target:Target": (i) => pick([["capacity", `${i.minCapacity ?? "?"}–${i.maxCapacity ?? "?"}`]]),
    "aws:secretsmanager/secret:Secret": (i) => pick([["KMS", i.kmsKeyId ? "customer key" : "aws/secretsmanager"]]),
};

/** World-open ingress in a security group (inline rules) or a rule resource. */
function exposure(type: string, i: Record<string, unknown>): string | undefined {
    const open: string[] = [];
    const check = (cidrs: unknown, from: unknown, to: unknown, protocol: unknown) => {
        const l = (Array.isArray(cidrs) ? cidrs : [cidrs]).filter((c) => WORLD.includes(str(c) ?? ""));
        for (const c of l) open.push(`${c}:${ports(from, to, protocol)}`);
    };
    if (type === "aws:ec2/securityGroup:SecurityGroup") {
        for (const rule of list(i.ingress) ?? []) {
            check(at(rule, "cidrBlocks"), at(rule, "fromPort"), at(rule, "toPort"), at(rule, "protocol"));
            check(at(rule, "ipv6CidrBlocks"), at(rule, "fromPort"), at(rule, "toPort"), at(rule, "protocol"));
        }
    } else if (type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
        check(i.cidrIpv4, i.fromPort, i.toPort, i.ipProtocol);
        check(i.cidrIpv6, i.fromPort, i.toPort, i.ipProtocol);
    } else if (type === "aws:ec2/securityGroupRule:SecurityGroupRule" && i.type === "ingress") {
        check(i.cidrBlocks, i.fromPort, i.toPort, i.protocol);
        check(i.ipv6CidrBlocks, i.fromPort, i.toPort, i.protocol);
    }
    return open.length ? `OPEN TO ${open.join(", ")}` : undefined;
}

/** Source of an ingress rule that is not world-open (a security group or a CIDR). */
function ingressFrom(type: string, i: Record<string, unknown>): Props {
    if (type !== "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") return {};
    const from = i.referencedSecurityGroupId
        ? "security group"
        : (str(i.cidrIpv4) ?? str(i.cidrIpv6) ?? (i.prefixListId ? "prefix list" : COMPUTED));
    return pick([["ingress", `${from} -> ${ports(i.fromPort, i.toPort, i.ipProtocol)}`]]);
}

/** The properties that matter for one resource. */
export function keyProperties(r: PlanResource): Props {
    const out: Props = { ...(BY_TYPE[r.type]?.(r.inputs) ?? {}), ...ingressFrom(r.type, r.inputs) };
    const open = exposure(r.type, r.inputs);
    if (open) out.exposure = open;
    if (bool(r.inputs.publiclyAccessible) === true) out.exposure = "PUBLICLY ACCESSIBLE";
    if (r.protect) out.protected = "yes";
    return out;
}
