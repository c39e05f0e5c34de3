import type * as pulumi from "@pulumi/pulumi";
import type { NatStrategy } from "./validation";

/**
 * Arguments of {@link SecureVpc}. Layout, zone and NAT settings are plain
 * values (not Outputs) because they are validated, and the subnet layout
 * planned, before anything is registered.
 */
export interface SecureVpcArgs {
    /**
     * IPv4 CIDR block of the VPC: a private (RFC 1918) range from /16 to /28. Plain value.
     * @default "10.0.0.0/16"
     */
    readonly cidrBlock?: string;
    /**
     * Number of availability zones the VPC spans (one subnet per tier in each): at least 2 and at most
     * the zones the region offers (or the length of `availabilityZoneNames`). Plain value.
     * @default 2
     */
    readonly availabilityZoneCount?: number;
    /**
     * Zones to choose from, in order of preference; the first `availabilityZoneCount` are used. When
     * unset, the region's available zones that need no opt-in are looked up (`aws.getAvailabilityZones`)
     * before any child is created. Plain value.
     * @default undefined (looked up)
     */
    readonly availabilityZoneNames?: string[];
    /**
     * Prefix of each zone's share of the VPC block. Pin it (e.g. to the VPC prefix + 2) so that adding a
     * zone later does not move the existing zones' subnets. Plain value.
     * @default VPC prefix + ceil(log2(availabilityZoneCount)), e.g. /17 for a /16 over 2 zones
     */
    readonly availabilityZoneCidrMask?: number;
    /**
     * Prefix of each public subnet (load balancer, NAT gateways), /16 to /28. Plain value.
     * @default zone prefix + 2, but no wider than /24 (a /24 in a /16 over 2 zones)
     */
    readonly publicSubnetCidrMask?: number;
    /**
     * Prefix of each private subnet (ECS instances and awsvpc tasks), /16 to /28. Plain value.
     * @default zone prefix + 1, but no wider than /20 (a /20 in a /16 over 2 zones)
     */
    readonly privateSubnetCidrMask?: number;
    /**
     * Prefix of each isolated subnet (database; no route to the internet), /16 to /28. Plain value.
     * @default zone prefix + 3, but no wider than /24 (a /24 in a /16 over 2 zones)
     */
    readonly isolatedSubnetCidrMask?: number;
    /**
     * NAT: `"None"` (private subnets have no internet egress; the public tier is the egress tier),
     * `"Single"` (one gateway, one zone's failure cuts egress), `"OnePerAz"` (a gateway per zone, highly
     * available) or `"Instance"` (a NAT instance per zone in an Auto Scaling group of one, which replaces
     * a failed instance and re-points the zone's route: cheaper, burstable, minutes of egress loss per
     * failure; see docs/components/SecureVpc.md). Plain value.
     * @default "OnePerAz"
     */
    readonly natStrategy?: NatStrategy;
    /**
     * With `natStrategy: "Instance"`: EC2 instance type of the NAT instances (Graviton types boot the arm64
     * Amazon Linux 2023 AMI). Plain value.
     * @default NAT_INSTANCE_DEFAULTS.natInstanceType
     */
    readonly natInstanceType?: string;
    /**
     * Retention of the flow log group, in days (a value CloudWatch Logs accepts). Plain value.
     * @default 90
     */
    readonly flowLogRetentionDays?: number;
    /**
     * KMS key ARN to encrypt the flow log group with (its key policy must allow the CloudWatch Logs
     * service principal); unset uses CloudWatch Logs' default encryption.
     * @default undefined
     */
    readonly flowLogKmsKeyArn?: pulumi.Input<string>;
    /**
     * Interface endpoints to create in the private subnets, by service short name (`"ecr.api"`,
     * `"ecr.dkr"`, `"logs"`, `"ssm"`, ...), with private DNS and a security group admitting HTTPS from the
     * VPC CIDR only. Each costs an hourly fee per zone. Plain value.
     * @default []
     */
    readonly interfaceEndpoints?: string[];
    /**
     * A free DynamoDB gateway endpoint on the private and isolated route tables (next to the S3 one), so
     * tasks reach DynamoDB without NAT and the traffic stays on the AWS network. Plain value.
     * @default true
     */
    readonly dynamoDbEndpoint?: boolean;
    /**
     * Tags added to every taggable child (each also gets a `Name` tag). A plain map whose values may be
     * Outputs; a map that is itself an Output is refused (awsx's Vpc, a remote component, cannot use it).
     * @default {}
     */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}
