// Two services on one ECS cluster and one EC2 fleet, behind one Application
// Load Balancer, in one SecureVpc (design note 000: a frontend and a backend
// service in one cluster behind one ALB). `api` answers /api/*, `web` the
// rest; each has its own target group and listener rule. NAT-less VPC: the
// instances egress from the public subnets with a public IP; tasks stay in
// the private subnets.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ContainerImage, Ec2Service, EcsCluster, SecureVpc, WebLoadBalancer } from "@aws-webapp/aws-webapp";

const config = new pulumi.Config();

const vpc = new SecureVpc("shared", { natStrategy: "None" });

const cluster = new EcsCluster("shared", {
    containerInsights: "disabled",
    capacity: {
        vpcId: vpc.vpcId,
        subnetIds: vpc.egressSubnetIds,
        instancePublicIp: vpc.egressNeedsPublicIp,
        instanceType: config.get("instanceType") ?? "t4g.small",
        minInstances: 1,
        maxInstances: 2,
    },
});

const alb = new WebLoadBalancer("shared", { vpcId: vpc.vpcId, subnetIds: vpc.publicSubnetIds });

// Images that answer their health checks: api/ (built and pushed on
// `pulumi up`, which needs Docker: NGINX answering /api/health and /api/* on
// 3000), and NGINX's unprivileged image (port 8080); both run as uid 101 with
// their temp files in /tmp (the task's root filesystem is read-only).
const apiImage = new ContainerImage("api", {
    buildContext: path.join(__dirname, "api"),
    architecture: "arm64",
    forceDestroy: true,
});
const webImage = new ContainerImage("web", { image: "docker.io/nginxinc/nginx-unprivileged:1.27-alpine" });

const common = {
    vpcId: vpc.vpcId,
    cidrBlock: vpc.cidrBlock,
    subnetIds: vpc.privateSubnetIds,
    cluster,
    capacityProviderName: cluster.capacityProviderName.apply((name) => name!),
    taskCpu: 256,
    taskMemory: 512,
    minTasks: 1,
    maxTasks: 2,
    logRetentionDays: 7,
};

export const api = new Ec2Service("api", {
    ...common,
    image: apiImage.imageRef,
    repositoryArn: apiImage.repositoryArn.apply((arn) => arn!),
    containerPort: 3000,
    healthCheckPath: "/api/health",
    // No node in the image: BusyBox wget (in the alpine image) checks the port.
    containerHealthCheckCommand: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:3000/api/health || exit 1"],
    containerUser: "101:101",
    loadBalancer: { loadBalancer: alb, priority: 10, pathPatterns: ["/api/*"] },
}).serviceName;

export const web = new Ec2Service("web", {
    ...common,
    image: webImage.imageRef,
    containerPort: 8080,
    healthCheckPath: "/",
    // No node in the image: BusyBox wget (in the alpine image) checks the port.
    containerHealthCheckCommand: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1"],
    containerUser: "101:101",
    loadBalancer: { loadBalancer: alb, priority: 100, pathPatterns: ["/*"] },
}).serviceName;

export const url = alb.url;
export const clusterName = cluster.clusterName;
