// EcsEc2Service behind an internet-facing ALB, running a public image on one
// Graviton instance, in a SecureVpc without NAT (instances egress from the
// public subnets with a public IP; tasks stay in the private subnets).
import { EcsEc2Service, SecureVpc } from "@aws-webapp/aws-webapp";

const vpc = new SecureVpc("app", { natStrategy: "None" });

const service = new EcsEc2Service("web", {
    vpcId: vpc.vpcId,
    cidrBlock: vpc.cidrBlock,
    instanceSubnetIds: vpc.egressSubnetIds,
    instancePublicIp: vpc.egressSubnetTier === "public",
    serviceSubnetIds: vpc.privateSubnetIds,
    albSubnetIds: vpc.publicSubnetIds,
    instanceType: "t4g.small",
    minInstances: 1,
    maxInstances: 1,
    desiredInstances: 1,
    taskCpu: 256,
    taskMemory: 512,
    containerPort: 3000,
    image: "public.ecr.aws/docker/library/node:20-alpine",
    logRetentionDays: 7,
});

export const url = service.url;
export const clusterName = service.clusterName;
