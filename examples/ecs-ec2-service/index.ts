// EcsEc2Service behind an internet-facing ALB, running a public image on one
// Graviton instance, in a SecureVpc without NAT (instances egress from the
// public subnets with a public IP; tasks stay in the private subnets).
// Deployable as written: NGINX's unprivileged image listens on 8080 as uid
// 101 with its temp files in /tmp (the task's root filesystem is read-only),
// and the health checks request what it serves.
import * as pulumi from "@pulumi/pulumi";
import { EcsEc2Service, SecureVpc } from "@aws-webapp/aws-webapp";

const config = new pulumi.Config();

const vpc = new SecureVpc("app", { natStrategy: "None" });

const service = new EcsEc2Service("web", {
    vpcId: vpc.vpcId,
    cidrBlock: vpc.cidrBlock,
    instanceSubnetIds: vpc.egressSubnetIds,
    instancePublicIp: vpc.egressNeedsPublicIp,
    serviceSubnetIds: vpc.privateSubnetIds,
    albSubnetIds: vpc.publicSubnetIds,
    instanceType: config.get("instanceType") ?? "t4g.small",
    minInstances: 1,
    maxInstances: 1,
    desiredInstances: 1,
    taskCpu: 256,
    taskMemory: 512,
    containerPort: 8080,
    healthCheckPath: "/",
    // No node in the image: BusyBox wget (in the alpine image) checks the port.
    containerHealthCheckCommand: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1"],
    containerUser: "101:101",
    image: "docker.io/nginxinc/nginx-unprivileged:1.27-alpine",
    logRetentionDays: 7,
});

export const url = service.url;
export const clusterName = service.clusterName;
