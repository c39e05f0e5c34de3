// SecureVpc on its own: public, private and isolated subnets over two zones,
// NAT per natStrategy (a cost/availability trade-off), flow logs kept 30 days.
import * as pulumi from "@pulumi/pulumi";
import { SecureVpc } from "@aws-webapp/aws-webapp";

const config = new pulumi.Config();

const vpc = new SecureVpc("main", {
    cidrBlock: config.get("cidrBlock") ?? "10.20.0.0/16",
    availabilityZoneCount: 2,
    natStrategy: (config.get("natStrategy") ?? "Single") as "None" | "Single" | "OnePerAz",
    flowLogRetentionDays: 30,
    tags: { Project: "example" },
});

export const vpcId = vpc.vpcId;
export const publicSubnetIds = vpc.publicSubnetIds;
export const privateSubnetIds = vpc.privateSubnetIds;
export const isolatedSubnetIds = vpc.isolatedSubnetIds;
