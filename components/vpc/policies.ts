/**
 * Pure pieces of SecureVpc: IAM policy documents for the flow log role, the
 * route-table lookup for the S3 gateway endpoint, endpoint service names and
 * the egress tier rule.
 */
import { NatStrategy } from "./validation";

/** An IAM policy document. */
export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly Record<string, unknown>[];
}

/**
 * Trust policy of the flow log role: only the VPC Flow Logs service may assume
 * it, and only on behalf of flow logs in this account and region (the
 * `aws:SourceAccount` / `aws:SourceArn` conditions guard against the confused
 * deputy problem).
 */
export function flowLogTrustPolicy(accountId: string, partition: string, region: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "VpcFlowLogsAssumeRole",
                Effect: "Allow",
                Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": accountId },
                    ArnLike: { "aws:SourceArn": `arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*` },
                },
            },
        ],
    };
}

/** Actions the flow log service needs to deliver records to its log group. */
export const FLOW_LOG_WRITE_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"];

/**
 * Permission policy of the flow log role: write to this one log group (and its
 * streams, `:*`), nothing else.
 */
export function flowLogWritePolicy(logGroupArn: string): PolicyDocument {
    const group = logGroupArn.replace(/:\*$/, "");
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "WriteOwnFlowLogGroup",
                Effect: "Allow",
                Action: FLOW_LOG_WRITE_ACTIONS,
                Resource: [group, `${group}:*`],
            },
        ],
    };
}

/** A subnet's route table association, as awsx creates one per subnet. */
export interface RouteTableAssociationInfo {
    readonly subnetId: string;
    readonly routeTableId: string;
}

/**
 * The route tables associated with the given subnets, in subnet order and
 * without duplicates. Throws when a subnet has no association: the S3 gateway
 * endpoint would silently miss that subnet otherwise.
 */
export function routeTableIdsForSubnets(
    associations: readonly RouteTableAssociationInfo[],
    subnetIds: readonly string[],
): string[] {
    const bySubnet = new Map<string, string>();
    for (const a of associations) if (a.subnetId && a.routeTableId) bySubnet.set(a.subnetId, a.routeTableId);
    const missing = subnetIds.filter((id) => !bySubnet.has(id));
    if (missing.length > 0) {
        throw new Error(
            `SecureVpc: no route table association found for subnet(s) ${missing.join(", ")} among the ${associations.length} the VPC returned`,
        );
    }
    return [...new Set(subnetIds.map((id) => bySubnet.get(id)!))];
}

/** `com.amazonaws.<region>.<service>` */
export function endpointServiceName(region: string, service: string): string {
    return `com.amazonaws.${region}.${service}`;
}

/** Logical-name suffix of an interface endpoint: `ecr.api` -> `ecr-api`. */
export function endpointRole(service: string): string {
    return service.replace(/\./g, "-");
}

/** Tier whose subnets reach the internet: private behind NAT, public (direct, via the internet gateway) without. */
export const EgressTier = {
    /** The private subnets, behind NAT gateways. */
    Private: "private",
    /** The public subnets (a NAT-less VPC): instances there need a public IP. */
    Public: "public",
} as const;
export type EgressTier = (typeof EgressTier)[keyof typeof EgressTier];

export function egressTierFor(natStrategy: NatStrategy): EgressTier {
    return natStrategy === "None" ? "public" : "private";
}
