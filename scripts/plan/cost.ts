/**
 * Idle monthly cost: generic rules keyed by resource type token that read a
 * resource's inputs (and the resources it depends on) and price its
 * hourly-charged parts from the price table. A priced kind whose size cannot
 * be determined is reported as unpriced, never counted as zero.
 */
import type { CostItem, CostReport, PlanResource, Unpriced } from "./model";
import { Graph } from "./graph";
import type { PriceTable } from "./prices";
import { at, bool, list, num, str } from "./values";
import { cacheOffNote, dynamodbTable } from "./dataCost";
import { applySchedules } from "./scheduleCost";

/** One priced quantity, before lines of the same key are summed. */
export interface Charge {
    readonly key: string;
    readonly label: string;
    readonly unit: string;
    readonly rate: string;
    /** USD a month for one unit. */
    readonly unitMonthly: number;
    readonly quantity: number;
    readonly resource: string;
}

/** What a rule can see and record. */
export class CostContext {
    readonly charges: Charge[] = [];
    readonly unpriced: Unpriced[] = [];
    readonly notes = new Set<string>();

    constructor(
        readonly graph: Graph,
        readonly prices: PriceTable,
    ) {}

    hourly(h: number): { unitMonthly: number; rate: string } {
        return { unitMonthly: h * this.prices.hoursPerMonth, rate: `$${money(h)}/h` };
    }

    monthly(m: number, per = ""): { unitMonthly: number; rate: string } {
        return { unitMonthly: m, rate: `$${money(m)}/${per}mo` };
    }

    charge(r: PlanResource, c: Omit<Charge, "resource">, resource = r.name): void {
        if (c.quantity > 0) this.charges.push({ ...c, resource });
    }

    cannotPrice(r: PlanResource, reason: string): void {
        this.unpriced.push({ type: r.type, name: r.name, reason });
    }

    /**
     * Zones of the VPC the stack creates, for a count that is only known after
     * deployment (subnet lists of a first preview). Undefined when there is
     * not exactly one VPC with a known zone count.
     */
    vpcZones(): { zones: number; vpc: string } | undefined {
        const vpcs = this.graph.ofType("awsx:ec2:Vpc");
        if (vpcs.length !== 1) return undefined;
        const zones = awsxZones(vpcs[0]);
        return zones === undefined ? undefined : { zones, vpc: vpcs[0].name };
    }

    /** A count from a list input, or the VPC's zones (noted), or undefined. */
    zoneCount(r: PlanResource, ...paths: string[]): number | undefined {
        for (const p of paths) {
            const l = list(at(r.inputs, p));
            if (l) return l.length;
        }
        const fallback = this.vpcZones();
        if (fallback === undefined) return undefined;
        this.notes.add(
            `${r.name}: its subnets are known only after deployment; assumed one per zone of VPC ${fallback.vpc} (${fallback.zones}).`,
        );
        return fallback.zones;
    }
}

/** Money with at least two decimals and up to four significant digits. */
export function money(x: number): string {
    if (x === 0) return "0.00";
    const s = String(Number(x.toPrecision(4)));
    const decimals = s.includes(".") ? s.split(".")[1].length : 0;
    return decimals >= 2 ? s : Number(s).toFixed(2);
}

const T = {
    asg: "aws:autoscaling/group:Group",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    launchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
    natGateway: "aws:ec2/natGateway:NatGateway",
    eip: "aws:ec2/eip:Eip",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    alb: "aws:alb/loadBalancer:LoadBalancer",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
} as const;

function awsxZones(vpc: PlanResource): number | undefined {
    const names = list(vpc.inputs.availabilityZoneNames);
    if (names) return names.length;
    const n = vpc.inputs.numberOfAvailabilityZones;
    return n === undefined || n === null ? 3 : num(n);
}

// ---------------------------------------------------------------- compute

/** EC2 instances of one type and market (on-demand or spot). */
function ec2(ctx: CostContext, r: PlanResource, type: string | undefined, count: number, spot: boolean): void {
    if (count <= 0) return;
    if (type === undefined) {
        ctx.cannotPrice(r, "instance type unknown (no instanceType in the launch template or override)");
        return;
    }
    const hourly = ctx.prices.ec2.hourly[type];
    if (hourly === undefined) {
        ctx.cannotPrice(
            r,
            `instance type ${type} is not in the price table (${count} instance${count > 1 ? "s" : ""})`,
        );
        return;
    }
    if (spot) {
        const d = ctx.prices.ec2Spot.discount;
        ctx.notes.add(
            `Spot instances priced at ${Math.round((1 - d) * 100)} % of on-demand (assumed ${Math.round(d * 100)} % average spot discount).`,
        );
    }
    const h = spot ? hourly * (1 - ctx.prices.ec2Spot.discount) : hourly;
    ctx.charge(r, {
        key: `ec2:${type}:${spot ? "spot" : "on-demand"}`,
        label: `EC2 ${type} ${spot ? "spot" : "on-demand"}`,
        unit: "instance",
        quantity: count,
        ...ctx.hourly(h),
    });
}

/** EBS volumes described by launch-template style `ebs` blocks, `count` times each. */
function ebs(ctx: CostContext, r: PlanResource, volumes: unknown[], count: number, what: string): void {
    if (count <= 0) return;
    const p = ctx.prices.ebs;
    for (const v of volumes) {
        const size = num(at(v, "volumeSize") ?? at(v, "size"));
        if (size === undefined) {
            ctx.cannotPrice(
                r,
                `${what} size unknown (${at(v, "snapshotId") ? "taken from its snapshot" : "the AMI's default"})`,
            );
            continue;
        }
        let type = str(at(v, "volumeType") ?? at(v, "type"));
        if (type === undefined) {
            type = p.defaultVolumeType;
            ctx.notes.add(`${r.name}: ${p.defaultVolumeTypeNote}`);
        }
        const rate = p.gbMonth[type];
        if (rate === undefined) {
            ctx.cannotPrice(r, `EBS volume type ${type} is not in the price table`);
            continue;
        }
        ctx.charge(r, {
            key: `ebs:${type}`,
            label: `EBS ${type} storage`,
            unit: "GB",
            quantity: size * count,
            ...ctx.monthly(rate, "GB-"),
        });
        if (type === "gp3") {
            const iops = num(at(v, "iops")) ?? 0;
            const mbps = num(at(v, "throughput")) ?? 0;
            if (iops > p.gp3IncludedIops)
                ctx.charge(r, {
                    key: "ebs:gp3-iops",
                    label: `EBS gp3 IOPS above ${p.gp3IncludedIops}`,
                    unit: "IOPS",
                    quantity: (iops - p.gp3IncludedIops) * count,
                    ...ctx.monthly(p.gp3IopsMonth, "IOPS-"),
                });
            if (mbps > p.gp3IncludedThroughputMbps)
                ctx.charge(r, {
                    key: "ebs:gp3-throughput",
                    label: `EBS gp3 throughput above ${p.gp3IncludedThroughputMbps} MB/s`,
                    unit: "MB/s",
                    quantity: (mbps - p.gp3IncludedThroughputMbps) * count,
                    ...ctx.monthly(p.gp3ThroughputMbpsMonth, "MBps-"),
                });
        } else if (num(at(v, "iops")) !== undefined && (type === "io1" || type === "io2")) {
            ctx.cannotPrice(r, `provisioned IOPS of ${type} volumes are not in the price table`);
        }
    }
}

function publicIpv4(ctx: CostContext, r: PlanResource, count: number, key: string, label: string): void {
    ctx.charge(r, {
        key: `ipv4:${key}`,
        label: `Public IPv4: ${label}`,
        unit: "address",
        quantity: count,
        ...ctx.hourly(ctx.prices.publicIpv4.hourly),
    });
}

/** The launch template an Auto Scaling group launches from (the one it depends on, else by id or name). */
function launchTemplateOf(ctx: CostContext, asg: PlanResource, spec: unknown): PlanResource | undefined {
    const deps = ctx.graph.dependenciesOf(asg, T.launchTemplate);
    if (deps.length === 1) return deps[0];
    const id = str(at(spec, "id") ?? at(spec, "launchTemplateId"));
    const name = str(at(spec, "name") ?? at(spec, "launchTemplateName"));
    const candidates = deps.length > 0 ? deps : ctx.graph.ofType(T.launchTemplate);
    const found = candidates.filter(
        (lt) => (id !== undefined && lt.id === id) || (name !== undefined && str(lt.inputs.name) === name),
    );
    return found.length === 1 ? found[0] : undefined;
}

/**
 * On-demand and spot counts of a mixed-instances group: the base is
 * on-demand, then `onDemandPercentageAboveBaseCapacity` of the rest, rounded
 * up in favour of on-demand (conservative).
 */
export function marketSplit(count: number, base = 0, percentAboveBase = 100): { onDemand: number; spot: number } {
    const fromBase = Math.min(count, Math.max(0, base));
    const onDemand = fromBase + Math.ceil(((count - fromBase) * Math.min(100, Math.max(0, percentAboveBase))) / 100);
    return { onDemand, spot: count - onDemand };
}

function autoScalingGroup(r: PlanResource, ctx: CostContext): void {
    const count = num(r.inputs.desiredCapacity) ?? num(r.inputs.minSize);
    if (count === undefined) {
        ctx.cannotPrice(r, "instance count unknown (no desiredCapacity or minSize)");
        return;
    }
    const mixed = r.inputs.mixedInstancesPolicy;
    const spec = mixed ? at(mixed, "launchTemplate.launchTemplateSpecification") : r.inputs.launchTemplate;
    const lt = launchTemplateOf(ctx, r, spec);
    const lc = ctx.graph.dependenciesOf(r, T.launchConfiguration)[0];
    if (!lt && !lc) {
        ctx.cannotPrice(r, "its launch template is not among the resources it depends on");
        return;
    }
    const overrides = list(at(mixed, "launchTemplate.overrides")) ?? [];
    const overrideType = overrides.map((o) => str(at(o, "instanceType"))).find((t) => t !== undefined);
    if (overrides.length > 1)
        ctx.notes.add(`${r.name}: several instance types allowed; priced at the first (${overrideType}).`);
    const type = overrideType ?? str((lt ?? lc).inputs.instanceType);
    let split = { onDemand: count, spot: 0 };
    if (mixed) {
        const d = at(mixed, "instancesDistribution");
        split = marketSplit(
            count,
            num(at(d, "onDemandBaseCapacity")) ?? 0,
            num(at(d, "onDemandPercentageAboveBaseCapacity")) ?? 100,
        );
    } else if (str(at(lt?.inputs, "instanceMarketOptions.marketType")) === "spot" || lc?.inputs.spotPrice) {
        split = { onDemand: 0, spot: count };
    }
    ec2(ctx, r, type, split.onDemand, false);
    ec2(ctx, r, type, split.spot, true);
    if (lt) {
        const volumes = (list(lt.inputs.blockDeviceMappings) ?? []).map((m) => at(m, "ebs")).filter(Boolean);
        if (volumes.length === 0 && count > 0)
            ctx.cannotPrice(r, "root volume size comes from the AMI (no blockDeviceMappings)");
        ebs(ctx, r, volumes, count, "EBS volume");
        const publicIp = (list(lt.inputs.networkInterfaces) ?? []).some((n) => bool(at(n, "associatePublicIpAddress")));
        if (publicIp) publicIpv4(ctx, r, count, "instance", "instances");
    } else if (lc) {
        const root = lc.inputs.rootBlockDevice;
        if (root) ebs(ctx, r, [root], count, "root volume");
        else if (count > 0) ctx.cannotPrice(r, "root volume size comes from the AMI (no rootBlockDevice)");
        if (bool(lc.inputs.associatePublicIpAddress)) publicIpv4(ctx, r, count, "instance", "instances");
    }
}

function instance(r: PlanResource, ctx: CostContext): void {
    const spot = str(at(r.inputs, "instanceMarketOptions.marketType")) === "spot";
    ec2(ctx, r, str(r.inputs.instanceType), 1, spot);
    const root = r.inputs.rootBlockDevice;
    if (root) ebs(ctx, r, [root], 1, "root volume");
    else ctx.cannotPrice(r, "root volume size comes from the AMI (no rootBlockDevice)");
    ebs(ctx, r, list(r.inputs.ebsBlockDevices) ?? [], 1, "EBS volume");
    if (bool(r.inputs.associatePublicIpAddress)) publicIpv4(ctx, r, 1, "instance", "instances");
}

function volume(r: PlanResource, ctx: CostContext): void {
    ebs(ctx, r, [r.inputs], 1, "EBS volume");
}

// ---------------------------------------------------------------- network

function natGateways(ctx: CostContext, r: PlanResource, count: number): void {
    ctx.charge(r, {
        key: "nat",
        label: "NAT gateways",
        unit: "gateway",
        quantity: count,
        ...ctx.hourly(ctx.prices.natGateway.hourly),
    });
}

function interfaceEndpoints(ctx: CostContext, r: PlanResource, zones: number, resource: string): void {
    ctx.charge(
        r,
        {
            key: "vpce:interface",
            label: "Interface VPC endpoints (per zone)",
            unit: "endpoint-zone",
            quantity: zones,
            ...ctx.hourly(ctx.prices.interfaceEndpoint.hourlyPerAz),
        },
        resource,
    );
}

/** Number of NAT gateways an awsx VPC creates (awsx defaults: 3 zones, one per zone with public and private subnets). */
export function awsxNatCount(inputs: Record<string, unknown>): number | undefined {
    const zones = awsxZones({ inputs } as PlanResource);
    const specs = list(inputs.subnetSpecs);
    const types = specs ? specs.map((s) => str(at(s, "type"))) : ["Public", "Private"];
    const strategy =
        str(at(inputs, "natGateways.strategy")) ??
        (types.includes("Public") && types.includes("Private") ? "OnePerAz" : "None");
    if (strategy === "None") return 0;
    if (strategy === "Single") return 1;
    return strategy === "OnePerAz" ? zones : undefined;
}

function awsxVpc(r: PlanResource, ctx: CostContext): void {
    const below = ctx.graph.descendantsOf(r);
    // A real preview lists the VPC's children (NAT gateways, EIPs, endpoints): those are priced themselves.
    if (!below.some((d) => d.type === T.natGateway)) {
        const nats = awsxNatCount(r.inputs);
        if (nats === undefined) ctx.cannotPrice(r, "NAT gateway count unknown (natGateways.strategy or zone count)");
        else {
            natGateways(ctx, r, nats);
            if (!below.some((d) => d.type === T.eip)) publicIpv4(ctx, r, nats, "nat", "NAT gateways");
        }
    }
    if (!below.some((d) => d.type === T.vpcEndpoint)) {
        for (const spec of list(r.inputs.vpcEndpointSpecs) ?? []) {
            if (!/^(interface|gatewayloadbalancer)$/i.test(str(at(spec, "vpcEndpointType")) ?? "Gateway")) continue;
            const zones = list(at(spec, "subnetIds"))?.length ?? awsxZones(r);
            if (zones === undefined) ctx.cannotPrice(r, `zones of endpoint ${String(at(spec, "serviceName"))} unknown`);
            else interfaceEndpoints(ctx, r, zones, `${r.name} (${String(at(spec, "serviceName"))})`);
        }
    }
}

function natGateway(r: PlanResource, ctx: CostContext): void {
    natGateways(ctx, r, 1);
}

function eip(r: PlanResource, ctx: CostContext): void {
    publicIpv4(ctx, r, 1, "eip", "Elastic IPs");
}

function vpcEndpoint(r: PlanResource, ctx: CostContext): void {
    const type = str(r.inputs.vpcEndpointType) ?? "Gateway";
    if (!/^(interface|gatewayloadbalancer)$/i.test(type)) return;
    const zones = ctx.zoneCount(r, "subnetIds", "subnetConfigurations");
    if (zones === undefined) ctx.cannotPrice(r, "number of subnets unknown");
    else interfaceEndpoints(ctx, r, zones, r.name);
}

function loadBalancerOf(r: PlanResource, ctx: CostContext, type: string): void {
    const p = ctx.prices.loadBalancer;
    const hourly = type === "application" ? p.applicationHourly : type === "network" ? p.networkHourly : undefined;
    if (hourly === undefined) {
        ctx.cannotPrice(r, `${type} load balancers are not in the price table`);
        return;
    }
    const kind = type === "application" ? "Application" : "Network";
    ctx.charge(r, {
        key: `lb:${type}`,
        label: `${kind} Load Balancer (hourly${p.idleLcu > 0 ? ` + ${p.idleLcu} LCU` : ", 0 LCU idle"})`,
        unit: "load balancer",
        quantity: 1,
        ...ctx.hourly(hourly + p.idleLcu * p.lcuHourly),
    });
    if (bool(r.inputs.internal) !== true) {
        const zones = ctx.zoneCount(r, "subnets", "subnetMappings", "subnetIds");
        if (zones === undefined) ctx.cannotPrice(r, "public IPv4 addresses: number of zones unknown");
        else publicIpv4(ctx, r, zones, "lb", "load balancer nodes (one per zone)");
    }
}

function loadBalancer(r: PlanResource, ctx: CostContext): void {
    loadBalancerOf(r, ctx, str(r.inputs.loadBalancerType) ?? "application");
}

function awsxLoadBalancer(type: string) {
    return (r: PlanResource, ctx: CostContext) => {
        const inner = ctx.graph.descendantsOf(r).some((d) => d.type === T.lb || d.type === T.alb);
        if (!inner) loadBalancerOf(r, ctx, type);
    };
}

function classicLoadBalancer(r: PlanResource, ctx: CostContext): void {
    ctx.charge(r, {
        key: "lb:classic",
        label: "Classic Load Balancer",
        unit: "load balancer",
        quantity: 1,
        ...ctx.hourly(ctx.prices.loadBalancer.classicHourly),
    });
}

// ---------------------------------------------------------------- database

function rdsInstance(r: PlanResource, ctx: CostContext): void {
    const p = ctx.prices.rds;
    const engine = str(r.inputs.engine);
    const cls = str(r.inputs.instanceClass);
    const multi = bool(r.inputs.multiAz) === true;
    const factor = multi ? p.multiAzFactor : 1;
    const az = multi ? "Multi-AZ" : "Single-AZ";
    if (engine !== undefined && !p.engines.includes(engine)) {
        ctx.cannotPrice(r, `engine ${engine} is not in the price table (${p.engines.join(", ")})`);
    } else if (cls === undefined || p.hourly[cls] === undefined) {
        ctx.cannotPrice(r, `instance class ${cls ?? "unknown"} is not in the price table`);
    } else {
        ctx.charge(r, {
            key: `rds:${cls}:${az}`,
            label: `RDS ${engine ?? "postgres"} ${cls} ${az}`,
            unit: "instance",
            quantity: 1,
            ...ctx.hourly(p.hourly[cls] * factor),
        });
    }
    const size = num(r.inputs.allocatedStorage);
    const type = str(r.inputs.storageType) ?? p.defaultStorageType;
    if (size === undefined) ctx.cannotPrice(r, "allocated storage unknown");
    else if (p.storageGbMonth[type] === undefined) ctx.cannotPrice(r, `storage type ${type} is not in the price table`);
    else
        ctx.charge(r, {
            key: `rds-storage:${type}:${az}`,
            label: `RDS ${type} storage ${az}`,
            unit: "GB",
            quantity: size,
            ...ctx.monthly(p.storageGbMonth[type] * factor, "GB-"),
        });
    if (num(r.inputs.iops) !== undefined || num(r.inputs.storageThroughput) !== undefined)
        ctx.cannotPrice(r, "provisioned IOPS or throughput are not in the price table");
    if (bool(r.inputs.manageMasterUserPassword)) secret(r, ctx, `${r.name} (RDS-managed master secret)`);
    const piDays = num(r.inputs.performanceInsightsRetentionPeriod) ?? 0;
    if (bool(r.inputs.performanceInsightsEnabled) && piDays > p.freePerformanceInsightsDays)
        ctx.cannotPrice(
            r,
            `Performance Insights retention of ${piDays} days (beyond the free 7) is not in the price table`,
        );
}

/**
 * An Aurora cluster: its storage (an idle estimate of what a small database
 * uses) and, for Serverless v2, nothing more (its instances carry the ACUs).
 */
function auroraCluster(r: PlanResource, ctx: CostContext): void {
    const p = ctx.prices.aurora;
    const engine = str(r.inputs.engine);
    if (engine === undefined || !p.engines.includes(engine)) {
        ctx.cannotPrice(r, `engine ${engine ?? "unknown"} is not in the price table (${p.engines.join(", ")})`);
        return;
    }
    if (str(r.inputs.storageType) === "aurora-iopt1") {
        ctx.cannotPrice(r, "Aurora I/O-Optimized storage is not in the price table");
        return;
    }
    ctx.charge(r, {
        key: "aurora-storage",
        label: "Aurora storage (estimated idle use)",
        unit: "GB",
        quantity: p.idleStorageGb,
        ...ctx.monthly(p.storageGbMonth, "GB-"),
    });
    ctx.notes.add(
        `${r.name}: Aurora storage priced at ${p.idleStorageGb} GB used (a small, new database; billed on use), no I/O while idle (I/O is $${p.ioPerMillion} per million requests, usage).`,
    );
    if (bool(r.inputs.manageMasterUserPassword)) secret(r, ctx, `${r.name} (RDS-managed master secret)`);
}

/** The cluster an Aurora instance belongs to (by dependency). */
function clusterOf(r: PlanResource, ctx: CostContext): PlanResource | undefined {
    return ctx.graph.dependenciesOf(r, "aws:rds/cluster:Cluster")[0];
}

/**
 * An Aurora instance: a provisioned class by the hour, or Serverless v2
 * (`db.serverless`) at its cluster's minimum capacity, which is nothing when
 * the minimum is 0 ACU (the cluster pauses when idle).
 */
function auroraInstance(r: PlanResource, ctx: CostContext): void {
    const p = ctx.prices.aurora;
    const cls = str(r.inputs.instanceClass);
    if (cls === "db.serverless") {
        const cluster = clusterOf(r, ctx);
        const min = cluster ? num(at(cluster.inputs, "serverlessv2ScalingConfiguration.minCapacity")) : undefined;
        if (min === undefined) {
            ctx.cannotPrice(r, "Serverless v2 instance whose cluster's minimum capacity is unknown");
            return;
        }
        if (min === 0)
            ctx.notes.add(
                `${r.name}: Aurora Serverless v2 at 0 ACU pauses when idle: no capacity charge, the first connection after a pause waits about 15 s.`,
            );
        ctx.charge(r, {
            key: "aurora:serverless",
            label: "Aurora Serverless v2 capacity at its minimum (ACU)",
            unit: "ACU",
            quantity: min,
            ...ctx.hourly(p.acuHourly),
        });
        return;
    }
    if (cls === undefined || p.hourly[cls] === undefined) {
        ctx.cannotPrice(r, `Aurora instance class ${cls ?? "unknown"} is not in the price table`);
        return;
    }
    ctx.charge(r, {
        key: `aurora:${cls}`,
        label: `Aurora PostgreSQL ${cls}`,
        unit: "instance",
        quantity: 1,
        ...ctx.hourly(p.hourly[cls]),
    });
}

/** ElastiCache Serverless: the engine's minimum metered data storage, by the hour. */
function serverlessCache(r: PlanResource, ctx: CostContext): void {
    const p = ctx.prices.elasticacheServerless;
    const engine = str(r.inputs.engine) ?? "valkey";
    const rate = p.gbHour[engine];
    const floor = p.minimumGb[engine];
    if (rate === undefined || floor === undefined) {
        ctx.cannotPrice(r, `ElastiCache Serverless engine ${engine} is not in the price table`);
        return;
    }
    const configuredMin = num(at(r.inputs, "cacheUsageLimits.dataStorage.minimum")) ?? 0;
    ctx.charge(r, {
        key: `elasticache-serverless:${engine}`,
        label: `ElastiCache Serverless ${engine} (minimum data storage)`,
        unit: "GB",
        quantity: Math.max(floor, configuredMin),
        ...ctx.hourly(rate),
    });
    const ecpuMin = list(at(r.inputs, "cacheUsageLimits.ecpuPerSeconds"))
        ?.map((e) => num(at(e, "minimum")) ?? 0)
        .reduce((a, b) => Math.max(a, b), 0);
    if (ecpuMin)
        ctx.cannotPrice(
            r,
            `a reserved minimum of ${ecpuMin} ECPU per second is billed by use and not in the idle floor`,
        );
}

// ---------------------------------------------------------------- edge, DNS, discovery

function webAcl(r: PlanResource, ctx: CostContext): void {
    const p = ctx.prices.waf;
    ctx.charge(r, {
        key: "waf:acl",
        label: "WAF web ACLs",
        unit: "web ACL",
        quantity: 1,
        ...ctx.monthly(p.webAclMonthly),
    });
    let rules = list(r.inputs.rules);
    const json = str(r.inputs.ruleJson);
    if (rules === undefined && json !== undefined) {
        try {
            rules = list(JSON.parse(json));
        } catch {
            rules = undefined;
        }
        if (rules === undefined) {
            ctx.cannotPrice(r, "ruleJson is not a JSON list of rules");
            return;
        }
    }
    rules ??= [];
    ctx.charge(r, {
        key: "waf:rule",
        label: "WAF rules (a managed rule group counts as one)",
        unit: "rule",
        quantity: rules.length,
        ...ctx.monthly(p.ruleMonthly),
    });
    for (const rule of rules) {
        const group = str(
            at(rule, "statement.managedRuleGroupStatement.name") ??
                at(rule, "Statement.ManagedRuleGroupStatement.Name"),
        );
        if (group !== undefined && p.paidManagedRuleGroupsMonthly[group] !== undefined)
            ctx.charge(r, {
                key: `waf:managed:${group}`,
                label: `WAF ${group} subscription`,
                unit: "web ACL",
                quantity: 1,
                ...ctx.monthly(p.paidManagedRuleGroupsMonthly[group]),
            });
    }
}

function hostedZone(r: PlanResource, ctx: CostContext, resource = r.name): void {
    ctx.charge(
        r,
        {
            key: "route53:zone",
            label: "Route 53 hosted zones",
            unit: "zone",
            quantity: 1,
            ...ctx.monthly(ctx.prices.route53.hostedZoneMonthly),
        },
        resource,
    );
}

function cloudMapInstances(ctx: CostContext, r: PlanResource, count: number): void {
    ctx.charge(r, {
        key: "cloudmap:instance",
        label: "Cloud Map registered instances",
        unit: "instance",
        quantity: count,
        ...ctx.monthly(ctx.prices.cloudMap.instanceMonthly),
    });
}

function ecsService(r: PlanResource, ctx: CostContext): void {
    const strategies = list(r.inputs.capacityProviderStrategies) ?? [];
    const fargate =
        /^FARGATE/.test(str(r.inputs.launchType) ?? "") ||
        strategies.some((s) => /^FARGATE/.test(str(at(s, "capacityProvider")) ?? ""));
    if (fargate) ctx.cannotPrice(r, "Fargate tasks are not in the price table");
    if (r.inputs.serviceRegistries) {
        const tasks = num(r.inputs.desiredCount);
        if (tasks === undefined && str(r.inputs.schedulingStrategy) === "DAEMON")
            ctx.cannotPrice(r, "Cloud Map instances of a DAEMON service: one per container instance, count unknown");
        else cloudMapInstances(ctx, r, tasks ?? 0);
    }
}

// ---------------------------------------------------------------- observability, secrets, keys

/** Number of metrics an alarm is billed for, and whether it is high resolution. */
export function alarmMetrics(inputs: Record<string, unknown>): { metrics: number; highResolution: boolean } {
    const queries = list(inputs.metricQueries);
    if (queries) {
        const metrics = queries.filter((q) => at(q, "metric") !== undefined && at(q, "metric") !== null);
        const highResolution = metrics.some((q) => (num(at(q, "metric.period")) ?? 60) < 60);
        return { metrics: metrics.length, highResolution };
    }
    return { metrics: 1, highResolution: (num(inputs.period) ?? 60) < 60 };
}

function metricAlarm(r: PlanResource, ctx: CostContext): void {
    const p = ctx.prices.cloudwatch;
    const { metrics, highResolution } = alarmMetrics(r.inputs);
    ctx.charge(r, {
        key: highResolution ? "cloudwatch:alarm-metric-hr" : "cloudwatch:alarm-metric",
        label: `CloudWatch alarm metrics (${highResolution ? "high" : "standard"} resolution)`,
        unit: "metric",
        quantity: metrics,
        ...ctx.monthly(highResolution ? p.highResolutionAlarmMetricMonthly : p.alarmMetricMonthly),
    });
}

function simple(key: string, label: string, unit: string, price: (p: PriceTable) => number) {
    return (r: PlanResource, ctx: CostContext) =>
        ctx.charge(r, { key, label, unit, quantity: 1, ...ctx.monthly(price(ctx.prices)) });
}

function secret(r: PlanResource, ctx: CostContext, resource = r.name): void {
    ctx.charge(
        r,
        {
            key: "secretsmanager:secret",
            label: "Secrets Manager secrets",
            unit: "secret",
            quantity: 1,
            ...ctx.monthly(ctx.prices.secretsManager.secretMonthly),
        },
        resource,
    );
}

/** Kinds billed by use only: a $0.00 line so the reader sees them. */
function usage(key: keyof PriceTable["usage"]["rates"] | string, label: string, unit: string) {
    return (r: PlanResource, ctx: CostContext) => {
        const rate = ctx.prices.usage.rates[key];
        ctx.charges.push({
            key: `usage:${key}`,
            label,
            unit,
            quantity: 1,
            unitMonthly: 0,
            rate: rate?.rate ?? "usage",
            resource: r.name,
        });
    };
}

/** The family of a task definition ARN (`...:task-definition/<family>:<revision>`). */
function taskFamily(arn: string | undefined): string | undefined {
    return arn === undefined ? undefined : /task-definition\/([^:/]+)(?::\d+)?$/.exec(arn)?.[1];
}

/**
 * Container Insights (standard) publishes custom metrics per cluster, per
 * service and per task definition family of the cluster's services; enhanced
 * observability is billed per observation and reported unpriced.
 */
function ecsCluster(r: PlanResource, ctx: CostContext): void {
    const settings = list(r.inputs.settings) ?? [];
    const insights = settings
        .filter((s) => str(at(s, "name")) === "containerInsights")
        .map((s) => str(at(s, "value")))
        .find((v) => v !== undefined);
    if (insights === "enhanced") {
        ctx.cannotPrice(r, "Container Insights with enhanced observability is billed per observation");
        return;
    }
    if (insights !== "enabled") return;
    const p = ctx.prices.containerInsights;
    const services = ctx.graph
        .ofType("aws:ecs/service:Service")
        .filter((s) => ctx.graph.dependenciesOf(s, "aws:ecs/cluster:Cluster").some((c) => c.urn === r.urn));
    const families = new Set(services.map((s) => taskFamily(str(s.inputs.taskDefinition)) ?? s.name));
    ctx.charge(r, {
        key: "cloudwatch:container-insights",
        label: "Container Insights metrics (custom metrics)",
        unit: "metric",
        quantity: p.clusterMetrics + services.length * p.serviceMetrics + families.size * p.taskFamilyMetrics,
        ...ctx.monthly(ctx.prices.cloudwatch.customMetricMonthly),
    });
}

/** VPC flow logs: the table's estimate of an idle VPC's volume for the traffic type, ingested and kept a month. */
function flowLog(r: PlanResource, ctx: CostContext): void {
    const p = ctx.prices.flowLogs;
    const traffic = (str(r.inputs.trafficType) ?? "ALL") as keyof typeof p.idleGbMonth;
    const gb = p.idleGbMonth[traffic];
    if (gb === undefined) {
        ctx.cannotPrice(r, `flow log traffic type ${traffic} has no volume estimate`);
        return;
    }
    const s3 = str(r.inputs.logDestinationType) === "s3";
    ctx.charge(r, {
        key: s3 ? "logs:flow-logs-s3" : "logs:flow-logs",
        label: `VPC flow logs to ${s3 ? "S3" : "CloudWatch Logs"} (${traffic}, estimated idle volume)`,
        unit: "GB",
        quantity: gb,
        ...ctx.monthly(s3 ? p.gbIngestedS3 : p.gbIngested + p.gbStoredMonth, "GB-"),
    });
}

function apiGateway(r: PlanResource, ctx: CostContext): void {
    const protocol = str(r.inputs.protocolType) ?? "HTTP";
    usage("apiGatewayHttpApi", `API Gateway ${protocol} API`, "API")(r, ctx);
}

/** Rules by type token. */
export const RULES: Readonly<Record<string, (r: PlanResource, ctx: CostContext) => void>> = {
    "aws:autoscaling/group:Group": autoScalingGroup,
    "aws:ec2/instance:Instance": instance,
    "aws:ebs/volume:Volume": volume,
    "awsx:ec2:Vpc": awsxVpc,
    "aws:ec2/natGateway:NatGateway": natGateway,
    "aws:ec2/eip:Eip": eip,
    "aws:ec2/vpcEndpoint:VpcEndpoint": vpcEndpoint,
    "aws:lb/loadBalancer:LoadBalancer": loadBalancer,
    "aws:alb/loadBalancer:LoadBalancer": loadBalancer,
    "aws:elb/loadBalancer:LoadBalancer": classicLoadBalancer,
    "awsx:lb:ApplicationLoadBalancer": awsxLoadBalancer("application"),
    "awsx:lb:NetworkLoadBalancer": awsxLoadBalancer("network"),
    "aws:rds/instance:Instance": rdsInstance,
    "aws:rds/cluster:Cluster": auroraCluster,
    "aws:rds/clusterInstance:ClusterInstance": auroraInstance,
    "aws:elasticache/serverlessCache:ServerlessCache": serverlessCache,
    "aws:wafv2/webAcl:WebAcl": webAcl,
    "aws:route53/zone:Zone": (r, ctx) => hostedZone(r, ctx),
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": (r, ctx) =>
        hostedZone(r, ctx, `${r.name} (Cloud Map namespace)`),
    "aws:servicediscovery/publicDnsNamespace:PublicDnsNamespace": (r, ctx) =>
        hostedZone(r, ctx, `${r.name} (Cloud Map namespace)`),
    "aws:servicediscovery/instance:Instance": (r, ctx) => cloudMapInstances(ctx, r, 1),
    "aws:ecs/service:Service": ecsService,
    "aws:ecs/cluster:Cluster": ecsCluster,
    "aws:ec2/flowLog:FlowLog": flowLog,
    "aws:cloudwatch/metricAlarm:MetricAlarm": metricAlarm,
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": simple(
        "cloudwatch:composite",
        "CloudWatch composite alarms",
        "alarm",
        (p) => p.cloudwatch.compositeAlarmMonthly,
    ),
    "aws:cloudwatch/dashboard:Dashboard": simple(
        "cloudwatch:dashboard",
        "CloudWatch dashboards",
        "dashboard",
        (p) => p.cloudwatch.dashboardMonthly,
    ),
    "aws:secretsmanager/secret:Secret": (r, ctx) => secret(r, ctx),
    "aws:kms/key:Key": simple("kms:key", "KMS customer managed keys", "key", (p) => p.kms.keyMonthly),
    "aws:kms/replicaKey:ReplicaKey": simple("kms:key", "KMS customer managed keys", "key", (p) => p.kms.keyMonthly),
    "aws:kms/externalKey:ExternalKey": simple("kms:key", "KMS customer managed keys", "key", (p) => p.kms.keyMonthly),
    "aws:apigatewayv2/api:Api": apiGateway,
    "aws:lambda/function:Function": usage("lambda", "Lambda functions", "function"),
    "aws:s3/bucket:Bucket": usage("s3", "S3 buckets", "bucket"),
    "aws:s3/bucketV2:BucketV2": usage("s3", "S3 buckets", "bucket"),
    "aws:sns/topic:Topic": usage("sns", "SNS topics", "topic"),
    "aws:sqs/queue:Queue": usage("sqs", "SQS queues", "queue"),
    "aws:ecr/repository:Repository": usage("ecr", "ECR repositories", "repository"),
    "aws:cloudwatch/logGroup:LogGroup": usage("cloudwatchLogs", "CloudWatch log groups", "log group"),
    "aws:budgets/budget:Budget": usage("budgets", "AWS Budgets", "budget"),
    "aws:acm/certificate:Certificate": usage("acm", "ACM certificates", "certificate"),
    "aws:dynamodb/table:Table": dynamodbTable,
    "aws:cognito/userPool:UserPool": usage("cognito", "Cognito user pools", "user pool"),
    "aws:cloudfront/distribution:Distribution": usage("cloudfront", "CloudFront distributions", "distribution"),
    "aws:scheduler/schedule:Schedule": usage("scheduler", "EventBridge Scheduler schedules", "schedule"),
    "aws:cloudwatch/eventRule:EventRule": usage("eventbridge", "EventBridge rules", "rule"),
};

/**
 * Types that have an hourly or monthly price but no rule here: reported as
 * unpriced so the total never silently leaves them out.
 */
export const NO_RULE: Readonly<Record<string, string>> = {
    "aws:elasticache/cluster:Cluster": "ElastiCache node",
    "aws:elasticache/replicationGroup:ReplicationGroup": "ElastiCache replication group",
    "aws:opensearch/domain:Domain": "OpenSearch domain",
    "aws:eks/cluster:Cluster": "EKS cluster",
    "aws:eks/nodeGroup:NodeGroup": "EKS node group",
    "aws:ec2transitgateway/transitGateway:TransitGateway": "transit gateway",
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": "transit gateway attachment",
    "aws:ec2clientvpn/endpoint:Endpoint": "Client VPN endpoint",
    "aws:ec2/vpnConnection:VpnConnection": "site-to-site VPN",
    "aws:redshift/cluster:Cluster": "Redshift cluster",
    "aws:docdb/clusterInstance:ClusterInstance": "DocumentDB instance",
    "aws:neptune/clusterInstance:ClusterInstance": "Neptune instance",
    "aws:msk/cluster:Cluster": "MSK cluster",
    "aws:memorydb/cluster:Cluster": "MemoryDB cluster",
    "aws:mq/broker:Broker": "Amazon MQ broker",
    "aws:networkfirewall/firewall:Firewall": "Network Firewall",
    "aws:globalaccelerator/accelerator:Accelerator": "Global Accelerator",
    "aws:apprunner/service:Service": "App Runner service",
    "aws:sagemaker/endpoint:Endpoint": "SageMaker endpoint",
    "aws:dms/replicationInstance:ReplicationInstance": "DMS replication instance",
    "aws:ec2/dedicatedHost:DedicatedHost": "dedicated host",
    "aws:route53/healthCheck:HealthCheck": "Route 53 health check",
    "aws:route53/resolverEndpoint:ResolverEndpoint": "Route 53 Resolver endpoint",
    "aws:kinesis/stream:Stream": "Kinesis stream",
    "aws:directoryservice/directory:Directory": "Directory Service directory",
    "aws:shield/protection:Protection": "Shield Advanced protection",
    "aws:fsx/lustreFileSystem:LustreFileSystem": "FSx file system",
    "aws:fsx/windowsFileSystem:WindowsFileSystem": "FSx file system",
    "aws:fsx/ontapFileSystem:OntapFileSystem": "FSx file system",
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": "FSx file system",
};

/** Order of the cost table: compute, network, database, edge, observability, the rest, usage. */
const ORDER = [
    "ec2:",
    "ebs:",
    "nat",
    "ipv4:",
    "lb:",
    "vpce:",
    "rds",
    "aurora",
    "elasticache",
    "secretsmanager",
    "kms",
    "waf:",
    "route53",
    "cloudmap",
    "cloudwatch",
    "logs:",
    "usage:",
];

function rank(key: string): number {
    const i = ORDER.findIndex((p) => key.startsWith(p));
    return i < 0 ? ORDER.length - 1 : i;
}

const cents = (usd: number) => Math.round(usd * 100);

/** Sums charges of the same key into cost lines, ordered by kind, then as the resources came. */
export function aggregate(charges: readonly Charge[]): CostItem[] {
    const lines = new Map<string, { c: Charge; quantity: number; resources: string[] }>();
    for (const c of charges) {
        const line = lines.get(c.key) ?? { c, quantity: 0, resources: [] };
        line.quantity += c.quantity;
        if (!line.resources.includes(c.resource)) line.resources.push(c.resource);
        lines.set(c.key, line);
    }
    return [...lines.values()]
        .map(({ c, quantity, resources }) => ({
            key: c.key,
            label: c.label,
            quantity: Number(quantity.toFixed(4)),
            unit: c.unit,
            rate: c.rate,
            monthlyUsd: cents(quantity * c.unitMonthly) / 100,
            resources,
        }))
        .sort((a, b) => rank(a.key) - rank(b.key));
}

/** Prices every resource of a plan. */
export function priceResources(
    resources: readonly PlanResource[],
    prices: PriceTable,
    graph = new Graph(resources),
): CostReport {
    const ctx = new CostContext(graph, prices);
    for (const r of resources) {
        const rule = RULES[r.type];
        if (rule) rule(r, ctx);
        else if (NO_RULE[r.type]) ctx.cannotPrice(r, `${NO_RULE[r.type]}: hourly-priced, no price rule`);
    }
    const alwaysOn = [...ctx.charges];
    const scheduled = applySchedules(ctx);
    const total = (items: CostItem[]) => items.reduce((sum, i) => sum + cents(i.monthlyUsd), 0) / 100;
    const items = aggregate(ctx.charges);
    const totalUsd = total(items);
    if (scheduled) {
        const always = total(aggregate(alwaysOn));
        ctx.notes.add(
            `Office hours save $${money((cents(always) - cents(totalUsd)) / 100)} a month: always on, the total would be $${money(always)}.`,
        );
    }
    const cw = prices.cloudwatch;
    const alarmMetricCount = items
        .filter((i) => i.key === "cloudwatch:alarm-metric")
        .reduce((s, i) => s + i.quantity, 0);
    const dashboards = items.find((i) => i.key === "cloudwatch:dashboard")?.quantity ?? 0;
    const free =
        Math.min(alarmMetricCount, cw.freeTier.alarmMetrics) * cw.alarmMetricMonthly +
        Math.min(dashboards, cw.freeTier.dashboards) * cw.dashboardMonthly;
    if (free > 0)
        ctx.notes.add(
            `Not deducted: the account-wide always-free CloudWatch tier (${cw.freeTier.alarmMetrics} alarm metrics, ${cw.freeTier.dashboards} dashboards) would save up to $${money(free)} a month if no other stack uses it.`,
        );
    const cacheNote = cacheOffNote(resources, prices);
    if (cacheNote) ctx.notes.add(cacheNote);
    return { items, unpriced: ctx.unpriced, totalUsd, notes: [...ctx.notes] };
}
