// PostgresDb in a SecureVpc's isolated subnets, reachable only from one
// application security group; the master password lives in Secrets Manager.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PostgresDb, SecureVpc } from "@aws-webapp/aws-webapp";

const config = new pulumi.Config();

const vpc = new SecureVpc("data", { natStrategy: "None", availabilityZoneCount: 2 });

const app = new aws.ec2.SecurityGroup("app", {
    vpcId: vpc.vpcId,
    description: "Application tasks allowed to reach the database",
});

const db = new PostgresDb("db", {
    vpcId: vpc.vpcId,
    // The whole Output list: PostgresDb checks it (two or more subnets) once it is known.
    isolatedSubnetIds: vpc.isolatedSubnetIds,
    allowedSecurityGroupIds: [app.id],
    instanceClass: config.get("instanceClass") ?? "db.t4g.micro",
    allocatedStorageGb: 20,
    backupRetentionDays: 7,
    logRetentionDays: 7,
});

export const address = db.address;
export const port = db.port;
export const masterUserSecretArn = db.masterUserSecretArn;
