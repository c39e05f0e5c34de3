// SecureVpc on its own: public, private and isolated subnets over two zones,
// one NAT gateway (a cost/availability trade-off), flow logs kept 30 days.
import { SecureVpc } from "@aws-webapp/aws-webapp";

const vpc = new SecureVpc("main", {
    cidrBlock: "10.20.0.0/16",
    availabilityZoneCount: 2,
    natStrategy: "Single",
    flowLogRetentionDays: 30,
    tags: { Project: "example" },
});

export const vpcId = vpc.vpcId;
export const publicSubnetIds = vpc.publicSubnetIds;
export const privateSubnetIds = vpc.privateSubnetIds;
export const isolatedSubnetIds = vpc.isolatedSubnetIds;
