// PostgresDb in a SecureVpc's isolated subnets, reachable only from one
// application security group; the master password lives in Secrets Manager.
import * as aws from "@pulumi/aws";
import { PostgresDb, SecureVpc } from "@aws-webapp/aws-webapp";

const zones = 2;
const vpc = new SecureVpc("data", { natStrategy: "None", availabilityZoneCount: zones });
// PostgresDb validates the subnet count before deploying, so it takes a plain
// array: one Output per zone.
const isolatedSubnetIds = Array.from({ length: zones }, (_, i) => vpc.isolatedSubnetIds.apply((ids) => ids[i]));

const app = new aws.ec2.SecurityGroup("app", {
    vpcId: vpc.vpcId,
    description: "Application tasks allowed to reach the database",
});

const db = new PostgresDb("db", {
    vpcId: vpc.vpcId,
    isolatedSubnetIds,
    allowedSecurityGroupIds: [app.id],
    instanceClass: "db.t4g.micro",
    allocatedStorageGb: 20,
    backupRetentionDays: 7,
    logRetentionDays: 7,
});

export const address = db.address;
export const port = db.port;
export const masterUserSecretArn = db.masterUserSecretArn;
