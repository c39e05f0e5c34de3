/**
 * Pure logic of SecureVpc's NAT instances (`natStrategy: "Instance"`): the
 * AMI parameter, the instance role's least-privilege policy, the boot script
 * that turns an instance into its zone's NAT and points the zone's private
 * route table at it, and the figures the docs compare with NAT gateways.
 */
import type { PolicyDocument, PolicyStatement } from "../shared/iamDocuments";
import { sessionManagerStatements, trust } from "../shared/policyDocument";
import { architectureOfInstanceType } from "../shared/instanceTypes";

/** Defaults of the NAT instance arguments. */
export const NAT_INSTANCE_DEFAULTS = {
    /** Graviton, 2 vCPU burstable, 0.5 GiB: up to 5 Gbit/s in bursts, 32 Mbit/s baseline. */
    natInstanceType: "t4g.nano",
    /** Root volume (GiB, gp3, encrypted): the Amazon Linux 2023 AMI's size. */
    rootVolumeGb: 8,
} as const;

/** SSM public parameter with the latest Amazon Linux 2023 AMI of an architecture (resolved at each launch). */
export function natAmiParameter(instanceType: string): string {
    const arch = architectureOfInstanceType(instanceType) === "arm64" ? "arm64" : "x86_64";
    return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`;
}

/**
 * Trust policy of the NAT instance role: only EC2 may assume it (for an
 * instance profile; EC2 sets no source account or ARN to condition on).
 */
export function natInstanceTrustPolicy(): PolicyDocument {
    return trust("ec2.amazonaws.com");
}

/** Where one zone's NAT instance works. */
export interface NatZoneScope {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
    readonly vpcId: string;
    /** Private route tables of the zone (their 0.0.0.0/0 route points at the instance). */
    readonly routeTableIds: readonly string[];
    /** ARN of the zone's instance profile: only instances launched with it may change themselves. */
    readonly instanceProfileArn: string;
}

/**
 * The NAT instance role's policy, one per zone: create or replace the
 * default route of that zone's private route tables only (exact ARNs, in
 * this VPC), turn the source/destination check off only on instances that
 * carry the zone's instance profile, and what the SSM agent needs for
 * Session Manager (no SSH, no key pair). Nothing else: no `Describe*`, no
 * other route table, no other instance.
 */
export function natInstancePolicy(s: NatZoneScope): PolicyDocument {
    const ec2 = (resource: string) => `arn:${s.partition}:ec2:${s.region}:${s.accountId}:${resource}`;
    const statements: PolicyStatement[] = [
        {
            Sid: "RouteTheZonesPrivateTablesThroughThisInstance",
            Effect: "Allow",
            Action: ["ec2:CreateRoute", "ec2:ReplaceRoute"],
            Resource: s.routeTableIds.map((id) => ec2(`route-table/${id}`)),
            Condition: { ArnEquals: { "ec2:Vpc": ec2(`vpc/${s.vpcId}`) } },
        },
        {
            Sid: "TurnOffTheSourceDestCheckOfTheZonesNatInstance",
            Effect: "Allow",
            Action: ["ec2:ModifyInstanceAttribute"],
            Resource: ec2("instance/*"),
            Condition: { ArnEquals: { "ec2:InstanceProfile": s.instanceProfileArn } },
        },
        ...sessionManagerStatements(ec2("instance/*")),
    ];
    return { Version: "2012-10-17", Statement: statements };
}

/** What the boot script needs. */
export interface NatBootInputs {
    readonly region: string;
    readonly vpcCidr: string;
    readonly routeTableIds: readonly string[];
}

const ID = /^[a-z0-9-]+$/;
const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

/**
 * The launch template's user data (cloud-init runs it once, at the first boot
 * of each instance, so every replacement runs it): IP forwarding and
 * masquerading of the VPC's traffic (iptables, as AWS documents for Amazon
 * Linux 2023 NAT instances), the source/destination check off, then the
 * zone's private route tables pointed at this instance's network interface,
 * replacing a dead predecessor's route (or creating it on the first launch).
 * Metadata through IMDSv2 only; AWS calls with the instance role, retried
 * while IAM propagates. Refuses values that could escape the script.
 */
export function natUserData(i: NatBootInputs): string {
    for (const v of [i.region, ...i.routeTableIds])
        if (!ID.test(v)) throw new Error(`natUserData: ${JSON.stringify(v)} is not an AWS id or region`);
    if (!CIDR.test(i.vpcCidr)) throw new Error(`natUserData: ${JSON.stringify(i.vpcCidr)} is not an IPv4 CIDR`);
    return [
        "#!/bin/bash",
        "# SecureVpc NAT instance: forward and masquerade the VPC's traffic, then route the zone through it.",
        "set -euo pipefail",
        `export AWS_DEFAULT_REGION=${i.region}`,
        'retry() { for n in $(seq 1 30); do "$@" && return 0; sleep 10; done; return 1; }',
        "TOKEN=$(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)",
        'imds() { curl -sf -H "X-aws-ec2-metadata-token: $TOKEN" "http://169.254.169.254/latest/meta-data/$1"; }',
        "INSTANCE_ID=$(imds instance-id)",
        "MAC=$(imds mac)",
        'ENI_ID=$(imds "network/interfaces/macs/$MAC/interface-id")',
        "IFACE=$(ip -o route show default | awk '{print $5; exit}')",
        "echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/90-nat.conf",
        "sysctl -q -w net.ipv4.ip_forward=1",
        "retry dnf install -y -q iptables-services",
        "iptables -t nat -F POSTROUTING",
        `iptables -t nat -A POSTROUTING -o "$IFACE" -s ${i.vpcCidr} -j MASQUERADE`,
        "iptables -F FORWARD",
        "service iptables save",
        "systemctl enable --now iptables",
        'retry aws ec2 modify-instance-attribute --instance-id "$INSTANCE_ID" --no-source-dest-check',
        `for RTB in ${i.routeTableIds.join(" ")}; do`,
        '    retry sh -c "aws ec2 replace-route --route-table-id $RTB --destination-cidr-block 0.0.0.0/0 --network-interface-id $ENI_ID' +
            ' || aws ec2 create-route --route-table-id $RTB --destination-cidr-block 0.0.0.0/0 --network-interface-id $ENI_ID"',
        "done",
        "",
    ].join("\n");
}
