/**
 * The outputs awsx's `ec2.Vpc` would return. It is a remote (multi-language)
 * component: under Pulumi's mocks its provider never runs, so without these
 * answers every output of the VPC stays unknown and a program waiting on them
 * hangs. The shapes follow the provider's schema.
 */
import { arn, hex, zoneNames } from "./context";
import { regionZoneNames, type ZoneContext } from "./zones";

/** A context that can also hand out references to resources a remote component created. */
export interface RemoteContext extends ZoneContext {
    /**
     * A resource that a remote component created on the provider side,
     * returned the way the engine returns it: a resource reference (see
     * {@link MockEngine}).
     */
    remoteChild(
        parentType: string,
        type: string,
        name: string,
        id: string,
        state: Record<string, any>,
    ): Record<string, any>;
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
export function awsxVpcOutputs(
    c: RemoteContext,
    name: string,
    inputs: Record<string, any>,
    id: string,
): Record<string, any> {
    const count: number = inputs.numberOfAvailabilityZones ?? 3;
    const regionZones = regionZoneNames(c);
    const zones: string[] =
        inputs.availabilityZoneNames ??
        (count <= regionZones.length ? regionZones.slice(0, count) : zoneNames(c, count));
    const specs: { type: string; name?: string; cidrMask?: number }[] = inputs.subnetSpecs ?? [
        { type: "Public" },
        { type: "Private" },
    ];
    const nat: string = inputs.natGateways?.strategy ?? "OnePerAz";
    const vpcId = `vpc-${hex(c.serial, 17)}`;
    const child = (type: string, childName: string, childId: string, state: Record<string, any>) =>
        c.remoteChild("awsx:ec2:Vpc", type, childName, childId, state);
    const vpc = child("aws:ec2/vpc:Vpc", name, vpcId, {
        cidrBlock: inputs.cidrBlock ?? "10.0.0.0/16",
        enableDnsHostnames: inputs.enableDnsHostnames ?? false,
        enableDnsSupport: inputs.enableDnsSupport ?? true,
        arn: arn(c, "ec2", `vpc/${vpcId}`),
        defaultSecurityGroupId: `sg-default-${vpcId}`,
        mainRouteTableId: `rtb-main-${vpcId}`,
        tags: { ...inputs.tags, Name: name },
    });
    const igwId = `igw-${hex(c.serial, 17)}`;
    const internetGateway = child("aws:ec2/internetGateway:InternetGateway", name, igwId, {
        vpcId,
        arn: arn(c, "ec2", `internet-gateway/${igwId}`),
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
                const allocationId = `eipalloc-${hex(c.serial + z, 17)}`;
                const publicIp = `203.0.113.${10 + z}`;
                eips.push(child("aws:ec2/eip:Eip", natName, allocationId, { allocationId, domain: "vpc", publicIp }));
                natGateways.push(
                    child("aws:ec2/natGateway:NatGateway", natName, `nat-${hex(c.serial + z, 17)}`, {
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
