// Two services on one ECS cluster behind one HTTP API (no hourly cost: the
// ingress of design note 003). Each service registers its tasks in the API's
// Cloud Map namespace and adds its own integration and route.
import * as pulumi from "@pulumi/pulumi";
import { ContainerImage, Ec2Service, EcsCluster, HttpApiGateway, SecureVpc } from "@aws-webapp/aws-webapp";

const config = new pulumi.Config();

const vpc = new SecureVpc("edge", { natStrategy: "None" });

const cluster = new EcsCluster("edge", {
    containerInsights: "disabled",
    capacity: {
        vpcId: vpc.vpcId,
        subnetIds: vpc.egressSubnetIds,
        instancePublicIp: vpc.egressNeedsPublicIp,
        instanceType: config.get("instanceType") ?? "t4g.small",
    },
});

const gateway = new HttpApiGateway("edge", { vpcId: vpc.vpcId, subnetIds: vpc.privateSubnetIds, logRetentionDays: 7 });
// NGINX's unprivileged image: uid 101, port 8080, temp files in /tmp (the
// task's root filesystem is read-only); it answers / for the health check.
const image = new ContainerImage("nginx", { image: "docker.io/nginxinc/nginx-unprivileged:1.27-alpine" });

const service = (name: string, routeKeys: string[]) =>
    new Ec2Service(name, {
        vpcId: vpc.vpcId,
        cidrBlock: vpc.cidrBlock,
        subnetIds: vpc.privateSubnetIds,
        cluster,
        capacityProviderName: cluster.capacityProviderName.apply((n) => n!),
        image: image.imageRef,
        containerPort: 8080,
        healthCheckPath: "/",
        containerHealthCheckCommand: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1"],
        containerUser: "101:101",
        taskCpu: 256,
        taskMemory: 512,
        logRetentionDays: 7,
        httpApi: { gateway, routeKeys },
    });

export const users = service("users", ["ANY /users/{proxy+}"]).serviceName;
export const orders = service("orders", ["ANY /orders/{proxy+}", "ANY /orders"]).serviceName;
export const url = gateway.url;
