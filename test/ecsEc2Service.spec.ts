import {
    ACCOUNT_ID,
    DEFAULT_REGION,
    failsBeforeRegistering,
    mocksReady,
    record,
    Recording,
    Registration,
    setMockRegion,
    valueOf,
} from "./harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fc from "fast-check";
import { execFile } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { EcsEc2Service, EcsEc2ServiceArgs } from "../components";
import {
    contextHash,
    dockerBuildPaths,
    ecrLifecyclePolicy,
    imageTag,
    isIgnored,
    parseDockerignore,
} from "../components/ecr";
import {
    architectureOfInstanceType,
    containerDefinitions,
    defaultHealthCheckCommand,
    ecsAmiParameterName,
    ecsTasksTrustPolicy,
    ecsUserData,
    executionRolePolicy,
    instanceRolePolicy,
    isRootUser,
    secretResourceArn,
    serviceResourceId,
    taskFamily,
    taskRolePolicy,
    usesMixedInstances,
} from "../components/ecs";
import { accessLogsBucketPolicy, applicationUrl, elbLogDeliveryAccountArn, publicPorts } from "../components/lb";
import { resolveEcsEc2ServiceArgs } from "../components/patterns";
import { resolveContainerImageArgs } from "../components/ecr";
import { resolveEc2CapacityArgs, resolveEc2ServiceArgs } from "../components/ecs";
import { resolveWebLoadBalancerArgs } from "../components/lb";

const APP = path.resolve(__dirname, "..", "app");
const DB_SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:rds!db-0a1b2c3d-AbCdEf`;
const DB_PASSWORD_KEY = `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:app-token-XyZ123:token::`;
const CERT = `arn:aws:acm:us-east-1:${ACCOUNT_ID}:certificate/11111111-2222-3333-4444-555555555555`;
const UPLOADS = "arn:aws:s3:::uploads-bucket";
const PUBLIC = ["subnet-public-us-east-1a", "subnet-public-us-east-1b"];
const PRIVATE = ["subnet-private-us-east-1a", "subnet-private-us-east-1b"];

/** What the dev stack passes (NAT-less VPC: instances in public subnets with a public IP). */
function devArgs(): EcsEc2ServiceArgs {
    return {
        vpcId: "vpc-0123456789abcdef0",
        cidrBlock: "10.0.0.0/16",
        vpcEgressPorts: [5432],
        instanceSubnetIds: PUBLIC,
        serviceSubnetIds: PRIVATE,
        albSubnetIds: PUBLIC,
        instancePublicIp: true,
        instanceType: "t4g.small",
        architecture: "arm64",
        minInstances: 1,
        maxInstances: 1,
        desiredInstances: 1,
        onDemandPercentage: 0,
        taskCpu: 256,
        taskMemory: 512,
        containerPort: 3000,
        minTasks: 1,
        maxTasks: 1,
        desiredTasks: 1,
        cpuTargetPercent: 70,
        logRetentionDays: 7,
        buildContext: APP,
        environment: { DB_HOST: "db.internal", DB_PORT: "5432", DB_NAME: "app", DB_SSL: "true" },
        secrets: { DB_SECRET },
        taskRoleStatements: [{ actions: ["s3:GetObject", "s3:PutObject"], resources: [`${UPLOADS}/uploads/*`] }],
        forceDestroy: true,
        tags: { Environment: "dev" },
    };
}

/** What the prod stack passes (NAT per AZ: private instances; HTTPS; protections on). */
function prodArgs(): EcsEc2ServiceArgs {
    return {
        ...devArgs(),
        instanceSubnetIds: PRIVATE,
        instancePublicIp: false,
        instanceType: "t4g.medium",
        minInstances: 2,
        maxInstances: 10,
        desiredInstances: 2,
        onDemandPercentage: 100,
        taskCpu: 512,
        taskMemory: 1024,
        minTasks: 2,
        maxTasks: 10,
        desiredTasks: 2,
        logRetentionDays: 30,
        certificateArn: CERT,
        domainName: "app.example.com",
        deletionProtection: true,
        accessLogs: true,
        memoryTargetPercent: 80,
        requestsPerTarget: 1000,
        secrets: { DB_SECRET, API_TOKEN: DB_PASSWORD_KEY },
        forceDestroy: false,
        tags: { Environment: "prod" },
    };
}

const T = {
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
    asg: "aws:autoscaling/group:Group",
    cp: "aws:ecs/capacityProvider:CapacityProvider",
    ccp: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    cluster: "aws:ecs/cluster:Cluster",
    task: "aws:ecs/taskDefinition:TaskDefinition",
    service: "aws:ecs/service:Service",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    repo: "aws:ecr/repository:Repository",
    lifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    image: "docker:index/image:Image",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    target: "aws:appautoscaling/target:Target",
    policy: "aws:appautoscaling/policy:Policy",
    bucket: "aws:s3/bucket:Bucket",
};

/** The load balancer's default action: what no service's rule matches. */
const NOT_FOUND = {
    type: "fixed-response",
    fixedResponse: { contentType: "text/plain", messageBody: "Not Found", statusCode: "404" },
};

/** Records the data-source calls (invokes) made while `fn` registers, by token. */
async function recordWithCalls(
    fn: () => unknown,
): Promise<{ rec: Recording; calls: { token: string; inputs: any }[] }> {
    const mocks = (pulumi.runtime as any).getMonitor().mocks as pulumi.runtime.Mocks;
    const original = mocks.call;
    const calls: { token: string; inputs: any }[] = [];
    mocks.call = (args) => {
        calls.push({ token: args.token, inputs: args.inputs });
        return original.call(mocks, args);
    };
    try {
        return { rec: await record(fn), calls };
    } finally {
        mocks.call = original;
    }
}

const amiLookups = (calls: { token: string; inputs: any }[]) =>
    calls.filter((c) => c.token === "aws:ssm/getParameter:getParameter").map((c) => c.inputs.name);

const containerOf = (rec: Recording) => JSON.parse(rec.one(T.task).inputs.containerDefinitions)[0];
const policyOf = (r: Registration) => JSON.parse(r.inputs.policy);
const dependsOn = (r: Registration, other: Registration) => r.dependencies.includes(other.urn);

describe("EcsEc2Service", () => {
    before(() => mocksReady);

    describe("dev args (NAT-less, spot, HTTP only, built image)", () => {
        let rec: Recording;
        let svc: EcsEc2Service;
        let calls: { token: string; inputs: any }[];
        before(async () => {
            ({ rec, calls } = await recordWithCalls(() => (svc = new EcsEc2Service("web", devArgs()))));
        });

        it("is one component of type aws-webapp:index:EcsEc2Service built from the blocks, every resource aliased to its place under it", () => {
            const root = rec.one("aws-webapp:index:EcsEc2Service");
            expect(root.name).to.equal("web");
            const blocks = rec.resources.filter((r) => r.parent === root.urn);
            expect(blocks.map((b) => b.type).sort()).to.deep.equal(
                ["ContainerImage", "EcsCluster", "Ec2Service", "WebLoadBalancer"]
                    .map((c) => `aws-webapp:index:${c}`)
                    .sort(),
            );
            expect(blocks.every((b) => b.name === "web" && !b.custom)).to.equal(true);
            const capacity = rec.one("aws-webapp:index:Ec2Capacity");
            expect(capacity.parent).to.equal(rec.one("aws-webapp:index:EcsCluster").urn);
            const resources = rec.resources.filter((r) => r.custom);
            expect(resources.every((r) => r.name.startsWith("web-"))).to.equal(true);
            // Each keeps the URN it had as the pattern's direct child (before the split).
            for (const r of resources) {
                // (Some types carry their provider's own type aliases as well.)
                expect(r.aliases, r.name).to.deep.include({
                    name: undefined,
                    type: undefined,
                    stack: undefined,
                    project: undefined,
                    parentUrn: root.urn,
                    noParent: false,
                });
            }
        });

        it("launch template: ECS-optimized AL2023 AMI, IMDSv2 required with hop limit 1, encrypted gp3 root, no key pair", () => {
            const lt = rec.one(T.lt).inputs;
            expect(amiLookups(calls)).to.deep.equal([
                "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
            ]);
            expect(lt.imageId).to.match(/^ami-[0-9a-f]{17}$/);
            expect(lt.instanceType).to.equal("t4g.small");
            expect(lt.metadataOptions).to.deep.equal({
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: 1,
                instanceMetadataTags: "disabled",
            });
            expect(lt.blockDeviceMappings).to.deep.equal([
                {
                    deviceName: "/dev/xvda",
                    ebs: { volumeSize: 30, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
                },
            ]);
            expect(lt).not.to.have.property("keyName");
            // NAT-less dev: instances in public subnets need a public IP to reach AWS.
            expect(lt.networkInterfaces).to.have.length(1);
            expect(lt.networkInterfaces[0]).to.include({ associatePublicIpAddress: "true", deviceIndex: 0 });
            expect(lt.networkInterfaces[0].securityGroups).to.deep.equal([rec.one(T.sg, "web-instance-sg").id]);
            expect(lt.iamInstanceProfile.arn).to.equal(rec.one("aws:iam/instanceProfile:InstanceProfile").state.arn);
        });

        it("user data joins the cluster, enables task roles and blocks task access to IMDS", () => {
            const userData = Buffer.from(rec.one(T.lt).inputs.userData, "base64").toString("utf8");
            expect(userData).to.equal(ecsUserData(rec.one(T.cluster).state.name));
            expect(userData).to.contain(`ECS_CLUSTER=web-cluster\n`);
            expect(userData).to.contain("ECS_ENABLE_TASK_IAM_ROLE=true\n");
            expect(userData).to.contain("ECS_AWSVPC_BLOCK_IMDS=true\n");
        });

        it("instance role: EC2 trust, no managed policy, its own policy scoped to the cluster, and an instance profile", () => {
            const role = rec.one(T.role, "web-instance-role");
            expect(JSON.parse(role.inputs.assumeRolePolicy)).to.deep.equal({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            });
            expect(rec.ofType(T.attachment)).to.deep.equal([]);
            const policy = rec.one(T.rolePolicy, "web-instance-policy");
            expect(policy.inputs.role).to.equal(role.state.name);
            const statements = JSON.parse(policy.inputs.policy).Statement;
            const cluster = rec.one(T.cluster);
            const clusterArn = `arn:aws:ecs:us-east-1:${ACCOUNT_ID}:cluster/${cluster.state.name ?? cluster.inputs.name}`;
            expect(statements.find((st: any) => st.Sid === "JoinTheCluster").Resource).to.equal(clusterArn);
            expect(statements.find((st: any) => st.Sid === "RunTheClustersTasks").Condition).to.deep.equal({
                ArnEquals: { "ecs:cluster": clusterArn },
            });
            // Nothing to pull images or write logs (the execution role does), no SSM parameters.
            const actions = statements.flatMap((st: any) => st.Action);
            expect(actions.filter((a: string) => /^(ecr|logs|ssm:GetParameter)/.test(a))).to.deep.equal([]);
            const star = statements.filter((st: any) => st.Resource === "*").flatMap((st: any) => st.Action);
            expect(star.every((a: string) => /^(ecs:DiscoverPollEndpoint|ssmmessages:|ec2messages:)/.test(a))).to.equal(
                true,
            );
            expect(rec.one(T.lt).dependencies).to.include(policy.urn);
            expect(rec.one("aws:iam/instanceProfile:InstanceProfile").inputs.role).to.equal(role.state.name);
        });

        it("instance security group has no inbound rule (no port 22) and only HTTPS egress", () => {
            const sg = rec.one(T.sg, "web-instance-sg");
            expect(sg.inputs.ingress ?? []).to.be.empty;
            expect(rec.ofType(T.ingress).filter((r) => r.inputs.securityGroupId === sg.id)).to.be.empty;
            const egress = rec.ofType(T.egress).filter((r) => r.inputs.securityGroupId === sg.id);
            expect(egress.map((e) => e.inputs)).to.deep.equal([
                {
                    securityGroupId: sg.id,
                    description: "HTTPS to AWS APIs (ECS, ECR, S3, Secrets Manager, Logs, SSM)",
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    cidrIpv4: "0.0.0.0/0",
                    tags: { Environment: "dev", Name: "web-instance-egress-https" },
                },
            ]);
        });

        it("Auto Scaling group: the instance subnets, 1/1/1, scale-in protection, all spot via a mixed-instances policy", () => {
            const asg = rec.one(T.asg);
            expect(asg.inputs).to.include({
                minSize: 1,
                maxSize: 1,
                desiredCapacity: 1,
                protectFromScaleIn: true,
                capacityRebalance: true,
            });
            expect(asg.inputs.vpcZoneIdentifiers).to.deep.equal(PUBLIC);
            expect(asg.inputs).not.to.have.property("launchTemplate");
            expect(asg.inputs.mixedInstancesPolicy.instancesDistribution).to.deep.equal({
                onDemandBaseCapacity: 0,
                onDemandPercentageAboveBaseCapacity: 0,
                spotAllocationStrategy: "price-capacity-optimized",
            });
            expect(asg.inputs.mixedInstancesPolicy.launchTemplate).to.deep.equal({
                launchTemplateSpecification: { launchTemplateId: rec.one(T.lt).id, version: "1" },
                overrides: [{ instanceType: "t4g.small" }],
            });
            expect(asg.ignoreChanges).to.deep.equal(["desiredCapacity"]);
            expect(asg.inputs.tags).to.deep.include({
                key: "AmazonECSManaged",
                value: "true",
                propagateAtLaunch: true,
            });
            expect(asg.inputs.tags).to.deep.include({ key: "Environment", value: "dev", propagateAtLaunch: true });
        });

        it("capacity provider: managed scaling, managed termination protection, the cluster's default strategy", () => {
            const cp = rec.one(T.cp);
            expect(cp.inputs.autoScalingGroupProvider).to.deep.equal({
                autoScalingGroupArn: rec.one(T.asg).state.arn,
                managedTerminationProtection: "ENABLED",
                managedDraining: "ENABLED",
                managedScaling: {
                    status: "ENABLED",
                    targetCapacity: 100,
                    minimumScalingStepSize: 1,
                    maximumScalingStepSize: 1,
                    instanceWarmupPeriod: 120,
                },
            });
            const ccp = rec.one(T.ccp);
            expect(ccp.inputs).to.deep.equal({
                clusterName: "web-cluster",
                capacityProviders: [cp.state.name],
                defaultCapacityProviderStrategies: [{ capacityProvider: cp.state.name, weight: 1, base: 0 }],
            });
        });

        it("cluster has Container Insights", () => {
            expect(rec.one(T.cluster).inputs.settings).to.deep.equal([{ name: "containerInsights", value: "enabled" }]);
        });

        it("task definition: EC2, awsvpc, 256/512, separate execution and task roles, writable /tmp only", () => {
            const task = rec.one(T.task).inputs;
            expect(task.requiresCompatibilities).to.deep.equal(["EC2"]);
            expect(task).to.include({ networkMode: "awsvpc", cpu: "256", memory: "512" });
            expect(task.family).to.equal(taskFamily("web", pulumi.getStack()));
            expect(task.executionRoleArn).to.equal(rec.one(T.role, "web-execution-role").state.arn);
            expect(task.taskRoleArn).to.equal(rec.one(T.role, "web-task-role").state.arn);
            expect(task.executionRoleArn).not.to.equal(task.taskRoleArn);
            expect(task.volumes).to.deep.equal([{ name: "tmp" }]);
            const c = containerOf(rec);
            expect(c.readonlyRootFilesystem).to.equal(true);
            // Non-root in the definition itself (Security Hub ECS.20), not only by the image's USER.
            expect(c.user).to.equal("1000:1000");
            expect(c.mountPoints).to.deep.equal([{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }]);
            expect(c.portMappings).to.deep.equal([
                { name: "http", containerPort: 3000, hostPort: 3000, protocol: "tcp", appProtocol: "http" },
            ]);
        });

        it("container: plain environment without secrets, the secret injected from Secrets Manager, awslogs, health check", () => {
            const c = containerOf(rec);
            expect(c.environment).to.deep.equal([
                { name: "DB_HOST", value: "db.internal" },
                { name: "DB_NAME", value: "app" },
                { name: "DB_PORT", value: "5432" },
                { name: "DB_SSL", value: "true" },
                { name: "PORT", value: "3000" },
            ]);
            expect(c.secrets).to.deep.equal([{ name: "DB_SECRET", valueFrom: DB_SECRET }]);
            expect(JSON.stringify(c.environment)).not.to.contain("secretsmanager");
            const logGroup = rec.one(T.logGroup);
            expect(logGroup.inputs.retentionInDays).to.equal(7);
            expect(c.logConfiguration).to.deep.equal({
                logDriver: "awslogs",
                options: {
                    "awslogs-group": logGroup.state.name ?? "web-logs",
                    "awslogs-region": "us-east-1",
                    "awslogs-stream-prefix": "app",
                    mode: "non-blocking",
                    "max-buffer-size": "4m",
                },
            });
            expect(c.healthCheck).to.deep.equal({
                command: [
                    "CMD",
                    "node",
                    "-e",
                    'fetch("http://127.0.0.1:3000/api/health").then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))',
                ],
                interval: 30,
                timeout: 5,
                retries: 3,
                startPeriod: 30,
            });
        });

        it("runs the image it built by digest, tagged by the context's content hash, for linux/arm64", async () => {
            const image = rec.one(T.image);
            const repo = rec.one(T.repo);
            const tag = imageTag(contextHash(APP, path.join(APP, "Dockerfile"), "linux/arm64"));
            expect(image.inputs.imageName).to.equal(`${repo.state.repositoryUrl}:${tag}`);
            // Relative to the working directory (the provider diffs these strings; an absolute path
            // differs per machine and would rebuild and re-push an immutable tag).
            const rel = path.relative(process.cwd(), APP).split(path.sep).join("/");
            expect(image.inputs.build).to.deep.equal({
                context: rel,
                dockerfile: `${rel}/Dockerfile`,
                platform: "linux/arm64",
            });
            expect(path.isAbsolute(image.inputs.build.context)).to.equal(false);
            expect(image.inputs.registry).to.deep.equal({
                server: repo.state.repositoryUrl,
                username: "AWS",
                password: "mock-ecr-token",
            });
            expect(image.inputs.buildOnPreview).to.equal(false);
            expect(containerOf(rec).image).to.equal(image.state.repoDigest);
            expect(containerOf(rec).image).to.match(
                /^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/web-repo@sha256:[0-9a-f]{64}$/,
            );
            expect(await valueOf(svc.imageRef)).to.equal(image.state.repoDigest);
        });

        it("ECR repository: scan on push, immutable tags but the build ones, encrypted, lifecycle, deletable in dev", () => {
            const repo = rec.one(T.repo);
            expect(repo.inputs).to.deep.include({
                imageScanningConfiguration: { scanOnPush: true },
                imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
                imageTagMutabilityExclusionFilters: [{ filter: "build-*", filterType: "WILDCARD" }],
                encryptionConfigurations: [{ encryptionType: "AES256" }],
                forceDelete: true,
            });
            const lifecycle = rec.one(T.lifecycle);
            expect(lifecycle.inputs.repository).to.equal(repo.state.name);
            expect(JSON.parse(lifecycle.inputs.policy)).to.deep.equal(ecrLifecyclePolicy(20, 1));
        });

        it("execution role: ECS tasks trust with confused-deputy conditions, policy scoped exactly", () => {
            const role = rec.one(T.role, "web-execution-role");
            expect(JSON.parse(role.inputs.assumeRolePolicy)).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "ecs-tasks.amazonaws.com" },
                        Action: "sts:AssumeRole",
                        Condition: {
                            ArnLike: { "aws:SourceArn": `arn:aws:ecs:us-east-1:${ACCOUNT_ID}:*` },
                            StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                        },
                    },
                ],
            });
            const policy = rec.one(T.rolePolicy, "web-execution-policy");
            expect(policy.inputs.role).to.equal(role.state.name);
            expect(policyOf(policy)).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "EcrAuthorizationToken",
                        Effect: "Allow",
                        Action: ["ecr:GetAuthorizationToken"],
                        Resource: "*",
                    },
                    {
                        Sid: "EcrPullRepository",
                        Effect: "Allow",
                        Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                        Resource: rec.one(T.repo).state.arn,
                    },
                    {
                        Sid: "WriteLogGroup",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                        Resource: `${rec.one(T.logGroup).state.arn}:*`,
                    },
                    {
                        Sid: "ReadListedSecrets",
                        Effect: "Allow",
                        Action: ["secretsmanager:GetSecretValue"],
                        Resource: [DB_SECRET],
                    },
                ],
            });
        });

        it("task role: same trust, exactly the application's statements", () => {
            const role = rec.one(T.role, "web-task-role");
            expect(role.inputs.assumeRolePolicy).to.equal(
                rec.one(T.role, "web-execution-role").inputs.assumeRolePolicy,
            );
            const policy = rec.one(T.rolePolicy, "web-task-policy");
            expect(policy.inputs.role).to.equal(role.state.name);
            expect(policyOf(policy)).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "App0",
                        Effect: "Allow",
                        Action: ["s3:GetObject", "s3:PutObject"],
                        Resource: `${UPLOADS}/uploads/*`,
                    },
                ],
            });
            expect(rec.ofType(T.attachment).filter((a) => a.inputs.role === role.state.name)).to.be.empty;
        });

        it("security-group chain: internet → ALB on 80 only, ALB → service on 3000 only, nothing else inbound", () => {
            const alb = rec.one(T.sg, "web-alb-sg");
            const service = rec.one(T.sg, "web-service-sg");
            const inbound = rec.ofType(T.ingress).map((r) => r.inputs);
            expect(
                inbound.filter((r) => r.securityGroupId === alb.id).map((r) => [r.fromPort, r.toPort, r.cidrIpv4]),
            ).to.deep.equal([[80, 80, "0.0.0.0/0"]]);
            expect(inbound.filter((r) => r.securityGroupId === service.id)).to.deep.equal([
                {
                    securityGroupId: service.id,
                    description: "From the load balancer on the container port",
                    ipProtocol: "tcp",
                    fromPort: 3000,
                    toPort: 3000,
                    referencedSecurityGroupId: alb.id,
                    tags: { Environment: "dev", Name: "web-service-in-alb" },
                },
            ]);
            // Only the load balancer accepts anything from the internet.
            expect(
                inbound.filter((r) => r.cidrIpv4 === "0.0.0.0/0").every((r) => r.securityGroupId === alb.id),
            ).to.equal(true);
            expect(inbound).to.have.length(2);
            const albOut = rec.ofType(T.egress).filter((r) => r.inputs.securityGroupId === alb.id);
            expect(
                albOut.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.referencedSecurityGroupId]),
            ).to.deep.equal([[3000, 3000, service.id]]);
            const serviceOut = rec.ofType(T.egress).filter((r) => r.inputs.securityGroupId === service.id);
            expect(serviceOut.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4])).to.deep.equal([
                [443, 443, "0.0.0.0/0"],
                [5432, 5432, "10.0.0.0/16"],
            ]);
        });

        it("load balancer: internet-facing in the public subnets, invalid headers dropped, no protection or logs in dev", () => {
            const lb = rec.one(T.lb).inputs;
            expect(lb).to.include({
                loadBalancerType: "application",
                internal: false,
                dropInvalidHeaderFields: true,
                enableDeletionProtection: false,
            });
            expect(lb.subnets).to.deep.equal(PUBLIC);
            expect(lb.securityGroups).to.deep.equal([rec.one(T.sg, "web-alb-sg").id]);
            expect(lb).not.to.have.property("accessLogs");
            expect(rec.ofType(T.bucket)).to.be.empty;
        });

        it("target group: IP targets on 3000, health check /api/health 30 s / 5 s / 2 healthy / 3 unhealthy / 200", () => {
            const tg = rec.one(T.tg).inputs;
            expect(tg).to.include({ targetType: "ip", port: 3000, protocol: "HTTP", vpcId: "vpc-0123456789abcdef0" });
            expect(tg.healthCheck).to.deep.equal({
                enabled: true,
                protocol: "HTTP",
                port: "traffic-port",
                path: "/api/health",
                interval: 30,
                timeout: 5,
                healthyThreshold: 2,
                unhealthyThreshold: 3,
                matcher: "200",
            });
        });

        it("without a certificate: one HTTP listener on 80 answering 404, its rule forwarding every path to the target group", () => {
            const listener = rec.one(T.listener);
            expect(listener.inputs).to.include({
                port: 80,
                protocol: "HTTP",
                loadBalancerArn: rec.one(T.lb).state.arn,
            });
            expect(listener.inputs.defaultActions).to.deep.equal([NOT_FOUND]);
            expect(rec.one(T.rule).inputs).to.deep.include({
                listenerArn: listener.state.arn,
                priority: 100,
                conditions: [{ pathPattern: { values: ["/*"] } }],
                actions: [{ type: "forward", targetGroupArn: rec.one(T.tg).state.arn }],
            });
        });

        it("service: private subnets without public IP, capacity provider, circuit breaker, 100/200 rolling, AZ spread", () => {
            const service = rec.one(T.service);
            const s = service.inputs;
            expect(s.networkConfiguration).to.deep.equal({
                subnets: PRIVATE,
                securityGroups: [rec.one(T.sg, "web-service-sg").id],
                assignPublicIp: false,
            });
            expect(s.capacityProviderStrategies).to.deep.equal([
                { capacityProvider: rec.one(T.cp).state.name, weight: 1, base: 0 },
            ]);
            expect(s).not.to.have.property("launchType");
            expect(s.deploymentCircuitBreaker).to.deep.equal({ enable: true, rollback: true });
            expect(s).to.include({
                deploymentMinimumHealthyPercent: 100,
                deploymentMaximumPercent: 200,
                healthCheckGracePeriodSeconds: 60,
                availabilityZoneRebalancing: "DISABLED",
                desiredCount: 1,
                cluster: rec.one(T.cluster).state.arn,
                taskDefinition: rec.one(T.task).state.arn,
            });
            expect(s.orderedPlacementStrategies[0]).to.deep.equal({
                type: "spread",
                field: "attribute:ecs.availability-zone",
            });
            expect(s.loadBalancers).to.deep.equal([
                { targetGroupArn: rec.one(T.tg).state.arn, containerName: "app", containerPort: 3000 },
            ]);
            expect(service.ignoreChanges).to.deep.equal(["desiredCount"]);
            // The target group must be attached to a listener, the capacity provider to the cluster, and the
            // execution role allowed to pull, before the first deployment.
            expect(dependsOn(service, rec.one(T.rule))).to.equal(true);
            expect(dependsOn(service, rec.one(T.ccp))).to.equal(true);
            expect(dependsOn(service, rec.one(T.rolePolicy, "web-execution-policy"))).to.equal(true);
        });

        it("service auto scaling: 1–1 tasks, target tracking on CPU at 70 %, nothing else", () => {
            const target = rec.one(T.target);
            expect(target.inputs).to.include({
                serviceNamespace: "ecs",
                scalableDimension: "ecs:service:DesiredCount",
                resourceId: "service/web-cluster/web-service",
                minCapacity: 1,
                maxCapacity: 1,
            });
            const policy = rec.one(T.policy);
            expect(policy.inputs).to.include({
                policyType: "TargetTrackingScaling",
                resourceId: target.inputs.resourceId,
            });
            expect(policy.inputs.targetTrackingScalingPolicyConfiguration).to.deep.equal({
                targetValue: 70,
                predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
                scaleOutCooldown: 60,
                scaleInCooldown: 300,
            });
        });

        it("every taggable child carries its Name and the caller's tags", () => {
            const tagged = rec.resources.filter((r) => r.inputs.tags && !Array.isArray(r.inputs.tags));
            expect(tagged.length).to.be.greaterThan(20);
            for (const r of tagged) expect(r.inputs.tags, r.name).to.deep.equal({ Environment: "dev", Name: r.name });
        });

        it("exposes the outputs the stacks wire (names, URL, dimensions, groups, repository, roles)", async () => {
            const out = {
                clusterName: await valueOf(svc.clusterName),
                serviceName: await valueOf(svc.serviceName),
                url: await valueOf(svc.url),
                loadBalancerDnsName: await valueOf(svc.loadBalancerDnsName),
                loadBalancerArnSuffix: await valueOf(svc.loadBalancerArnSuffix),
                targetGroupArnSuffix: await valueOf(svc.targetGroupArnSuffix),
                serviceSecurityGroupId: await valueOf(svc.serviceSecurityGroupId),
                logGroupName: await valueOf(svc.logGroupName),
                repositoryUrl: await valueOf(svc.repositoryUrl),
                autoScalingGroupName: await valueOf(svc.autoScalingGroupName),
                taskRoleName: await valueOf(svc.taskRoleName),
                executionRoleArn: await valueOf(svc.executionRoleArn),
            };
            const lb = rec.one(T.lb).state;
            expect(out).to.deep.equal({
                clusterName: rec.one(T.cluster).state.name,
                serviceName: rec.one(T.service).state.name,
                url: `http://${lb.dnsName}`,
                loadBalancerDnsName: lb.dnsName,
                loadBalancerArnSuffix: lb.arnSuffix,
                targetGroupArnSuffix: rec.one(T.tg).state.arnSuffix,
                serviceSecurityGroupId: rec.one(T.sg, "web-service-sg").id,
                logGroupName: rec.one(T.logGroup).state.name ?? "web-logs",
                repositoryUrl: rec.one(T.repo).state.repositoryUrl,
                autoScalingGroupName: rec.one(T.asg).state.name,
                taskRoleName: rec.one(T.role, "web-task-role").state.name,
                executionRoleArn: rec.one(T.role, "web-execution-role").state.arn,
            });
            expect(out.loadBalancerArnSuffix).to.match(/^app\//);
            expect(out.targetGroupArnSuffix).to.match(/^targetgroup\//);
        });
    });

    describe("prod args (private instances, HTTPS, protections, access logs)", () => {
        let rec: Recording;
        let svc: EcsEc2Service;
        before(async () => {
            rec = await record(() => (svc = new EcsEc2Service("web", prodArgs())));
        });

        it("instances: private subnets, no public IP, 2/10/2 on demand from the launch template directly", () => {
            const lt = rec.one(T.lt).inputs;
            expect(lt.instanceType).to.equal("t4g.medium");
            expect(lt.networkInterfaces[0].associatePublicIpAddress).to.equal("false");
            expect(lt.metadataOptions).to.include({ httpTokens: "required", httpPutResponseHopLimit: 1 });
            expect(lt.blockDeviceMappings[0].ebs).to.include({ encrypted: "true", volumeType: "gp3" });
            const asg = rec.one(T.asg).inputs;
            expect(asg).to.include({
                minSize: 2,
                maxSize: 10,
                desiredCapacity: 2,
                protectFromScaleIn: true,
                capacityRebalance: false,
            });
            expect(asg.vpcZoneIdentifiers).to.deep.equal(PRIVATE);
            expect(asg.launchTemplate).to.deep.equal({ id: rec.one(T.lt).id, version: "1" });
            expect(asg).not.to.have.property("mixedInstancesPolicy");
            expect(rec.one(T.cp).inputs.autoScalingGroupProvider.managedScaling.maximumScalingStepSize).to.equal(10);
        });

        it("task 512/1024 and service auto scaling 2–10 on CPU 70 %, memory 80 % and requests per target", () => {
            expect(rec.one(T.task).inputs).to.include({ cpu: "512", memory: "1024" });
            expect(rec.one(T.service).inputs.desiredCount).to.equal(2);
            expect(rec.one(T.target).inputs).to.include({ minCapacity: 2, maxCapacity: 10 });
            const policies = Object.fromEntries(
                rec.ofType(T.policy).map((p) => [p.name, p.inputs.targetTrackingScalingPolicyConfiguration]),
            );
            expect(Object.keys(policies).sort()).to.deep.equal([
                "web-scale-cpu",
                "web-scale-memory",
                "web-scale-requests",
            ]);
            expect(policies["web-scale-cpu"]).to.include({ targetValue: 70 });
            expect(policies["web-scale-memory"]).to.include({ targetValue: 80 });
            expect(policies["web-scale-memory"].predefinedMetricSpecification.predefinedMetricType).to.equal(
                "ECSServiceAverageMemoryUtilization",
            );
            expect(policies["web-scale-requests"]).to.include({ targetValue: 1000 });
            expect(policies["web-scale-requests"].predefinedMetricSpecification).to.deep.equal({
                predefinedMetricType: "ALBRequestCountPerTarget",
                resourceLabel: `${rec.one(T.lb).state.arnSuffix}/${rec.one(T.tg).state.arnSuffix}`,
            });
        });

        it("HTTP 80 redirects to HTTPS 443 with a TLS 1.3 policy and the certificate; 443 opens only then", () => {
            const http = rec.one(T.listener, "web-http").inputs;
            expect(http.defaultActions).to.deep.equal([
                { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
            ]);
            const https = rec.one(T.listener, "web-https").inputs;
            expect(https).to.include({
                port: 443,
                protocol: "HTTPS",
                certificateArn: CERT,
                sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            });
            expect(https.defaultActions).to.deep.equal([NOT_FOUND]);
            expect(rec.one(T.rule).inputs.listenerArn).to.equal(rec.one(T.listener, "web-https").state.arn);
            const alb = rec.one(T.sg, "web-alb-sg");
            const open = rec
                .ofType(T.ingress)
                .filter((r) => r.inputs.securityGroupId === alb.id)
                .map((r) => [r.inputs.fromPort, r.inputs.cidrIpv4]);
            expect(open).to.deep.equal([
                [80, "0.0.0.0/0"],
                [443, "0.0.0.0/0"],
            ]);
            // The service waits for its rule, the rule for both listeners (HTTP redirects to the rule's one).
            expect(dependsOn(rec.one(T.service), rec.one(T.rule))).to.equal(true);
            expect(dependsOn(rec.one(T.rule), rec.one(T.listener, "web-https"))).to.equal(true);
            expect(dependsOn(rec.one(T.rule), rec.one(T.listener, "web-http"))).to.equal(true);
        });

        it("deletion protection on, access logs to a locked-down bucket the load balancer waits for", () => {
            const lb = rec.one(T.lb);
            expect(lb.inputs.enableDeletionProtection).to.equal(true);
            const bucket = rec.one(T.bucket);
            expect(bucket.inputs.forceDestroy).to.equal(false);
            expect(lb.inputs.accessLogs).to.deep.equal({ bucket: bucket.state.bucket, prefix: "alb", enabled: true });
            expect(rec.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).to.include({
                bucket: bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
            expect(
                rec.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs
                    .rules,
            ).to.deep.equal([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
            expect(rec.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule).to.deep.equal({
                objectOwnership: "BucketOwnerEnforced",
            });
            const lifecycle = rec.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules;
            expect(lifecycle[0]).to.deep.include({ status: "Enabled", expiration: { days: 90 } });
            const policy = rec.one("aws:s3/bucketPolicy:BucketPolicy");
            expect(policyOf(policy)).to.deep.equal(
                accessLogsBucketPolicy({
                    bucketArn: bucket.state.arn,
                    prefix: "alb",
                    accountId: ACCOUNT_ID,
                    partition: "aws",
                    region: "us-east-1",
                    elbAccountArn: "arn:aws:iam::127311923021:root",
                }),
            );
            expect(dependsOn(lb, policy)).to.equal(true);
        });

        it("the execution role may read both secrets, the JSON-key one by its secret ARN", () => {
            const statements = policyOf(rec.one(T.rolePolicy, "web-execution-policy")).Statement;
            const secrets = statements.find((s: any) => s.Sid === "ReadListedSecrets");
            expect(secrets.Resource).to.deep.equal([
                `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:app-token-XyZ123`,
                DB_SECRET,
            ]);
            expect(containerOf(rec).secrets).to.deep.equal([
                { name: "API_TOKEN", valueFrom: DB_PASSWORD_KEY },
                { name: "DB_SECRET", valueFrom: DB_SECRET },
            ]);
        });

        it("keeps the repository (no force delete) and serves https on the domain", async () => {
            expect(rec.one(T.repo).inputs.forceDelete).to.equal(false);
            expect(await valueOf(svc.url)).to.equal("https://app.example.com");
            expect(await valueOf(svc.loadBalancerZoneId)).to.equal(rec.one(T.lb).state.zoneId);
        });
    });

    describe("httpApi ingress (dev's cheap ingress of design note 003)", () => {
        const httpApiArgs = (): EcsEc2ServiceArgs => {
            const { albSubnetIds: _unused, ...rest } = devArgs();
            return { ...rest, ingress: "httpApi" };
        };

        it("routes an HTTP API through a VPC link to Cloud Map SRV records of the tasks; no load balancer", async () => {
            let svc: EcsEc2Service | undefined;
            const rec = await record(() => (svc = new EcsEc2Service("web", httpApiArgs())));
            expect(rec.ofType(T.lb)).to.be.empty;
            const discovery = rec.one("aws:servicediscovery/service:Service");
            expect(discovery.inputs.dnsConfig.dnsRecords).to.deep.equal([{ type: "SRV", ttl: 10 }]);
            const link = rec.one("aws:apigatewayv2/vpcLink:VpcLink");
            expect(link.inputs.subnetIds).to.deep.equal(PRIVATE);
            const integration = rec.one("aws:apigatewayv2/integration:Integration");
            expect(integration.inputs).to.include({
                integrationType: "HTTP_PROXY",
                connectionType: "VPC_LINK",
                connectionId: link.id,
                integrationUri: discovery.state.arn,
            });
            const service = rec.one(T.service);
            expect(service.inputs.loadBalancers ?? []).to.be.empty;
            // ECS refuses a health check grace period on a service without a load balancer.
            expect(service.inputs).not.to.have.property("healthCheckGracePeriodSeconds");
            expect(service.inputs.serviceRegistries).to.deep.equal({
                registryArn: discovery.state.arn,
                containerName: "app",
                containerPort: 3000,
            });
            const stage = rec.one("aws:apigatewayv2/stage:Stage");
            const access = rec.named("web-api-access");
            expect(access.inputs.retentionInDays).to.equal(7);
            expect(stage.inputs.accessLogSettings.destinationArn).to.equal(access.state.arn);
            expect(await valueOf(svc!.url)).to.match(/^https:\/\/.+\.execute-api\.us-east-1\.amazonaws\.com$/);
            expect(await valueOf(svc!.apiId)).to.equal(rec.one("aws:apigatewayv2/api:Api").id);
            expect(await valueOf(svc!.loadBalancerArn)).to.equal(undefined);
        });

        it("security chain: nothing from the internet; the link reaches the tasks on the container port only", async () => {
            const rec = await record(() => new EcsEc2Service("web", httpApiArgs()));
            const ingress = rec.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
            expect(ingress.filter((r) => r.inputs.cidrIpv4 || r.inputs.cidrIpv6)).to.be.empty;
            const linkSg = rec.named("web-vpclink-sg");
            const serviceSg = rec.named("web-service-sg");
            expect(
                ingress.map((r) => [r.inputs.securityGroupId, r.inputs.referencedSecurityGroupId, r.inputs.fromPort]),
            ).to.deep.equal([[serviceSg.id, linkSg.id, 3000]]);
            const linkEgress = rec
                .ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
                .filter((r) => r.inputs.securityGroupId === linkSg.id);
            expect(
                linkEgress.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort]),
            ).to.deep.equal([[serviceSg.id, 3000, 3000]]);
        });
    });

    describe("other shapes", () => {
        it("a prebuilt image is run as given, nothing is built, and x86_64 reads the x86_64 AMI", async () => {
            const image = `${ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${"a".repeat(64)}`;
            const args = {
                ...devArgs(),
                buildContext: undefined,
                image,
                instanceType: "t3.small",
                architecture: undefined,
            };
            const { rec, calls } = await recordWithCalls(() => new EcsEc2Service("web", args));
            expect(rec.ofType(T.image)).to.be.empty;
            expect(containerOf(rec).image).to.equal(image);
            expect(amiLookups(calls)).to.deep.equal([
                "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
            ]);
            expect(rec.one(T.lt).inputs.instanceType).to.equal("t3.small");
        });

        it("access logs in a region opened after August 2022: only the log-delivery principal, no ELB account lookup", async () => {
            setMockRegion("ap-southeast-4");
            try {
                const { rec, calls } = await recordWithCalls(() => new EcsEc2Service("web", prodArgs()));
                // aws.elb.getServiceAccount fails with "Unknown region" there (the mocks would answer anyway).
                expect(calls.map((c) => c.token)).not.to.include("aws:elb/getServiceAccount:getServiceAccount");
                const bucket = rec.one(T.bucket);
                const doc = policyOf(rec.one("aws:s3/bucketPolicy:BucketPolicy"));
                expect(doc.Statement.map((st: any) => st.Sid)).to.deep.equal([
                    "ElbLogDeliveryWritesLogs",
                    "DenyInsecureTransport",
                ]);
                expect(doc.Statement[0]).to.deep.include({
                    Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
                    Resource: `${bucket.state.arn}/alb/AWSLogs/${ACCOUNT_ID}/*`,
                });
            } finally {
                setMockRegion(DEFAULT_REGION);
            }
        });

        describe("auto scaling off, no application statements or secrets, access logs to an existing bucket", () => {
            let rec: Recording;
            before(async () => {
                rec = await record(
                    () =>
                        new EcsEc2Service("web", {
                            ...devArgs(),
                            autoScaling: false,
                            taskRoleStatements: [],
                            secrets: {},
                            accessLogs: true,
                            accessLogsBucket: "central-alb-logs",
                        }),
                );
            });

            it("no scaling target or policy, and the service manages its desired count", () => {
                expect(rec.ofType(T.target)).to.be.empty;
                expect(rec.ofType(T.policy)).to.be.empty;
                expect(rec.one(T.service).ignoreChanges).to.deep.equal([]);
            });

            it("the task role has no policy at all and the execution role reads no secret", () => {
                expect(rec.ofType(T.rolePolicy).map((p) => p.name)).to.deep.equal([
                    "web-instance-policy",
                    "web-execution-policy",
                ]);
                const execution = rec.one(T.rolePolicy, "web-execution-policy");
                const statements = policyOf(execution).Statement.map((s: any) => s.Sid);
                expect(statements).to.deep.equal(["EcrAuthorizationToken", "EcrPullRepository", "WriteLogGroup"]);
            });

            it("access logs go to the given bucket and no bucket is created", () => {
                expect(rec.ofType(T.bucket)).to.be.empty;
                expect(rec.one(T.lb).inputs.accessLogs).to.deep.equal({
                    bucket: "central-alb-logs",
                    prefix: "alb",
                    enabled: true,
                });
            });
        });
    });

    describe("bad args fail before any child is created, naming the argument", () => {
        const fails = (overrides: Partial<EcsEc2ServiceArgs>, name = "web") =>
            failsBeforeRegistering(() => new EcsEc2Service(name, { ...devArgs(), ...overrides }));

        it("min > max", async () => {
            expect(await fails({ minInstances: 3, maxInstances: 2, desiredInstances: 2 })).to.contain(
                "minInstances: 3 is greater than maxInstances (2): expected minInstances <= maxInstances",
            );
            expect(await fails({ minTasks: 5, maxTasks: 4, desiredTasks: 4 })).to.contain(
                "minTasks: 5 is greater than maxTasks (4): expected minTasks <= maxTasks",
            );
        });

        it("desired outside min–max", async () => {
            expect(await fails({ desiredTasks: 3 })).to.contain(
                "desiredTasks: 3 is outside minTasks (1) to maxTasks (1)",
            );
            expect(await fails({ desiredInstances: 0 })).to.contain(
                "desiredInstances: 0 is outside minInstances (1) to maxInstances (1)",
            );
        });

        it("a task that does not fit the instance type (EC2 launch type, not Fargate's table)", async () => {
            expect(await fails({ taskCpu: 256, taskMemory: 4096 })).to.contain(
                "taskMemory: 4096 does not fit instanceType t4g.small: expected at most 1792 MiB (2048 MiB minus 256 MiB for the OS, Docker and the ECS agent)",
            );
            expect(await fails({ taskCpu: 100 })).to.contain(
                "taskCpu: 100 is out of range: expected an integer from 128 to 196608",
            );
        });

        it("port out of range", async () => {
            expect(await fails({ containerPort: 70000 })).to.contain(
                "containerPort: 70000 is out of range: expected an integer from 1 to 65535",
            );
            expect(await fails({ containerPort: 0 })).to.contain("containerPort: 0 is out of range");
        });

        it("load balancer arguments with the httpApi ingress mode", async () => {
            const message = await fails({ ingress: "httpApi", certificateArn: CERT, deletionProtection: true });
            expect(message).to.contain(
                `albSubnetIds: is set but applies to ingress "alb" only: expected it unset with ingress "httpApi"`,
            );
            expect(message).to.contain(`certificateArn: is set but applies to ingress "alb" only`);
            expect(message).to.contain(`deletionProtection: true applies to ingress "alb" only`);
            expect(
                await fails({ ingress: "httpApi", albSubnetIds: undefined, healthCheckGracePeriodSeconds: 90 }),
            ).to.contain(`healthCheckGracePeriodSeconds: is set but applies to ingress "alb" only`);
            expect(await fails({ ingress: "cloudfront" as never })).to.contain(`ingress: "cloudfront" is not one of`);
        });

        it("a secret-looking plain environment variable, or a secret that is not a Secrets Manager ARN", async () => {
            expect(await fails({ environment: { DB_PASSWORD: "hunter2" } })).to.contain(
                "environment.DB_PASSWORD: looks like a secret: pass it in secrets",
            );
            expect(await fails({ secrets: { DB_SECRET: "hunter2" } })).to.contain(
                `secrets.DB_SECRET: "hunter2" is not a Secrets Manager secret ARN`,
            );
        });

        it("a KMS alias ARN for the secrets' keys (IAM grants kms:Decrypt on key ARNs only)", async () => {
            const alias = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:alias/app-secrets`;
            expect(await fails({ secretsKmsKeyArns: [alias] })).to.contain(
                `secretsKmsKeyArns.0: ${JSON.stringify(alias)} is a KMS alias: pass the key ARN (arn:aws:kms:<region>:<account>:key/<id>), an alias ARN grants nothing in IAM`,
            );
            const key = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
            expect(() => resolveEcsEc2ServiceArgs("web", { ...devArgs(), secretsKmsKeyArns: [key] })).not.to.throw();
        });

        it("a container user that is root", async () => {
            for (const user of ["root", "0", "0:0", "root:1000", "000"]) {
                expect(await fails({ containerUser: user }), user).to.contain(
                    `containerUser: ${JSON.stringify(user)} is not a non-root container user`,
                );
            }
        });

        it("wildcard task role permissions", async () => {
            expect(await fails({ taskRoleStatements: [{ actions: ["*"], resources: ["*"] }] })).to.contain(
                `taskRoleStatements.0.actions.0: "*" is a wildcard action`,
            );
            expect(await fails({ taskRoleStatements: [{ actions: ["s3:*"], resources: ["*"] }] })).to.contain(
                `taskRoleStatements.0: grants s3:* on "*"`,
            );
        });

        it("an image together with a build context, or a context without a Dockerfile", async () => {
            expect(await fails({ image: "nginx:1.27" })).to.contain("expected exactly one of image");
            expect(await fails({ buildContext: os.tmpdir() })).to.match(/buildContext: ".*" has no Dockerfile/);
        });

        it("an architecture that does not match the instance type, and a name ECR or ECS would refuse", async () => {
            expect(await fails({ architecture: "x86_64" })).to.contain(
                `architecture: "x86_64" does not match instanceType "t4g.small" (arm64)`,
            );
            expect(await fails({}, "ecs-Web")).to.contain(`name: "ecs-Web" is not a valid component name`);
        });

        it("lists every bad argument in one error", async () => {
            const message = await fails({
                minInstances: 3,
                taskCpu: 256,
                taskMemory: 4096,
                containerPort: 0,
                logRetentionDays: 8,
            });
            expect(message.split("\n")[0]).to.equal(`EcsEc2Service "web": invalid values:`);
            for (const key of ["minInstances", "taskMemory", "containerPort", "logRetentionDays"]) {
                expect(message).to.contain(`\n  - ${key}: `);
            }
        });
    });
});

describe("EcsEc2Service pure helpers", () => {
    it("task sizes: any size that fits the instance type is accepted, a larger one refused naming the key", () => {
        // devArgs: a t4g.small (2 vCPU, 2048 MiB; 1792 MiB usable by tasks).
        const base = { ...devArgs(), buildContext: undefined, image: "nginx:1.27" };
        fc.assert(
            fc.property(fc.integer({ min: 128, max: 4096 }), fc.integer({ min: 6, max: 4096 }), (cpu, memory) => {
                let message = "";
                try {
                    resolveEcsEc2ServiceArgs("web", { ...base, taskCpu: cpu, taskMemory: memory });
                } catch (e: any) {
                    message = e.message;
                }
                const fits = cpu <= 2048 && memory <= 1792;
                if (fits) return message === "";
                return message.includes(
                    memory > 1792 ? `taskMemory: ${memory} does not fit` : `taskCpu: ${cpu} does not fit`,
                );
            }),
            { numRuns: 200 },
        );
    });

    it("applies the documented defaults: the pattern's ingress, each block's own", () => {
        const args: EcsEc2ServiceArgs = {
            vpcId: "vpc-1",
            cidrBlock: "10.0.0.0/16",
            instanceSubnetIds: PRIVATE,
            serviceSubnetIds: PRIVATE,
            albSubnetIds: PUBLIC,
            instanceType: "t3.medium",
            image: "nginx:1.27",
        };
        expect(resolveEcsEc2ServiceArgs("web", args)).to.deep.equal({ ingress: "alb", architecture: "x86_64" });
        expect(
            resolveEc2CapacityArgs("web", { vpcId: "vpc-1", subnetIds: PRIVATE, instanceType: "t3.medium" }),
        ).to.include({
            architecture: "x86_64",
            minInstances: 1,
            maxInstances: 2,
            desiredInstances: 1,
            onDemandPercentage: 100,
            capacityTargetPercent: 100,
            managedTerminationProtection: true,
            instancePublicIp: false,
            rootVolumeSizeGb: 30,
        });
        const cluster = { clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/c", clusterName: "c" };
        const s = resolveEc2ServiceArgs("web", {
            vpcId: "vpc-1",
            cidrBlock: "10.0.0.0/16",
            subnetIds: PRIVATE,
            cluster,
            image: "nginx:1.27",
        });
        expect(s).to.include({
            taskCpu: 512,
            taskMemory: 1024,
            containerPort: 3000,
            healthCheckPath: "/api/health",
            containerUser: "1000:1000",
            logRetentionDays: 30,
            minTasks: 1,
            maxTasks: 2,
            desiredTasks: 1,
            cpuTargetPercent: 70,
            autoScaling: true,
            deregistrationDelaySeconds: 30,
        });
        expect(s.memoryTargetPercent).to.equal(undefined);
        expect(s.rule).to.equal(undefined);
        expect(resolveWebLoadBalancerArgs("web", { vpcId: "vpc-1", subnetIds: PUBLIC })).to.include({
            https: false,
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            deletionProtection: false,
            accessLogs: false,
            idleTimeoutSeconds: 60,
        });
        expect(resolveContainerImageArgs("web", { image: "nginx:1.27" })).to.include({
            createRepository: false,
            forceDestroy: false,
            keepImages: 20,
        });
    });

    it("architecture from the instance type", () => {
        expect(
            ["t4g.small", "t4g.medium", "m7g.large", "c7gn.xlarge", "r8gd.2xlarge"].map(architectureOfInstanceType),
        ).to.deep.equal(Array(5).fill("arm64"));
        expect(
            ["t3.small", "m5.large", "g5.xlarge", "inf2.xlarge", "c6i.large"].map(architectureOfInstanceType),
        ).to.deep.equal(Array(5).fill("x86_64"));
        expect(ecsAmiParameterName("arm64")).to.equal(
            "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
        );
        expect(ecsAmiParameterName("x86_64")).to.equal(
            "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
        );
    });

    it("user data writes the ECS agent settings", () => {
        expect(ecsUserData("c1").split("\n")).to.include.members([
            "cat >> /etc/ecs/ecs.config <<'EOF'",
            "ECS_CLUSTER=c1",
            "ECS_ENABLE_TASK_IAM_ROLE=true",
            "ECS_AWSVPC_BLOCK_IMDS=true",
            "ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE=true",
            "EOF",
        ]);
        expect(usesMixedInstances({ onDemandPercentage: 100, additionalInstanceTypes: [] })).to.equal(false);
        expect(usesMixedInstances({ onDemandPercentage: 100, additionalInstanceTypes: ["t4g.large"] })).to.equal(true);
    });

    it("secret ARNs: a JSON-key valueFrom is granted by its secret ARN", () => {
        expect(secretResourceArn(`${DB_SECRET}:password::`)).to.equal(DB_SECRET);
        expect(secretResourceArn(DB_SECRET)).to.equal(DB_SECRET);
    });

    it("execution policy: no wildcard but the token action, secrets deduplicated, KMS only via Secrets Manager", () => {
        const doc = executionRolePolicy({
            repositoryArn: "arn:aws:ecr:us-east-1:1:repository/r",
            logGroupArn: "arn:aws:logs:us-east-1:1:log-group:g",
            secretValueFroms: [`${DB_SECRET}:username::`, `${DB_SECRET}:password::`],
            secretKmsKeyArns: ["arn:aws:kms:us-east-1:1:key/k"],
            region: "eu-west-1",
        });
        const wildcard = doc.Statement.filter(
            (s) => s.Resource === "*" || (Array.isArray(s.Resource) && s.Resource.includes("*")),
        );
        expect(wildcard.map((s) => s.Action)).to.deep.equal([["ecr:GetAuthorizationToken"]]);
        expect(doc.Statement.find((s) => s.Sid === "ReadListedSecrets")!.Resource).to.deep.equal([DB_SECRET]);
        expect(doc.Statement.find((s) => s.Sid === "DecryptListedSecrets")).to.deep.equal({
            Sid: "DecryptListedSecrets",
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: ["arn:aws:kms:us-east-1:1:key/k"],
            Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
        });
        expect(taskRolePolicy([])).to.equal(undefined);
        expect(
            instanceRolePolicy({ partition: "aws-us-gov", region: "us-gov-west-1", accountId: "1", clusterName: "c" })
                .Statement[0].Resource,
        ).to.equal("arn:aws-us-gov:ecs:us-gov-west-1:1:cluster/c");
        expect(
            ecsTasksTrustPolicy({ partition: "aws-cn", region: "cn-north-1", accountId: "1" }).Statement[0].Condition,
        ).to.deep.equal({
            ArnLike: { "aws:SourceArn": "arn:aws-cn:ecs:cn-north-1:1:*" },
            StringEquals: { "aws:SourceAccount": "1" },
        });
    });

    it("ELB log-delivery account: the regional account before August 2022, none in newer regions", () => {
        expect(elbLogDeliveryAccountArn("aws", "us-east-1")).to.equal("arn:aws:iam::127311923021:root");
        expect(elbLogDeliveryAccountArn("aws", "eu-west-1")).to.equal("arn:aws:iam::156460612806:root");
        expect(elbLogDeliveryAccountArn("aws-cn", "cn-north-1")).to.equal("arn:aws-cn:iam::638102146993:root");
        for (const newer of ["ap-southeast-4", "eu-central-2", "il-central-1", "ca-west-1", "mx-central-1"]) {
            expect(elbLogDeliveryAccountArn("aws", newer), newer).to.equal(undefined);
        }
        const doc = accessLogsBucketPolicy({
            bucketArn: "arn:aws:s3:::logs",
            prefix: "alb",
            accountId: "1",
            partition: "aws",
            region: "eu-central-2",
            elbAccountArn: undefined,
        });
        expect(doc.Statement.map((st) => st.Principal)).to.deep.equal([
            { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
            "*",
        ]);
        // The service principal delivers only for this account's load balancers in this region.
        expect(doc.Statement[0].Condition).to.deep.equal({
            StringEquals: { "aws:SourceAccount": "1" },
            ArnLike: { "aws:SourceArn": "arn:aws:elasticloadbalancing:eu-central-2:1:loadbalancer/*" },
        });
    });

    it("container user: root by name or uid 0 is root, any other user is not", () => {
        expect(["root", "0", "000", "root:1000", "0:1000"].filter((u) => !isRootUser(u))).to.deep.equal([]);
        expect(["1000:1000", "node", "10001", "app:0", "rooter"].filter(isRootUser)).to.deep.equal([]);
    });

    it("the default container health check runs under node and requests the path, whatever characters it allows", async () => {
        const seen: string[] = [];
        const server = http.createServer((req, res) => {
            seen.push(req.url ?? "");
            res.writeHead(req.url === "/down" ? 503 : 200).end();
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as net.AddressInfo).port;
        const run = (p: string) =>
            new Promise<number>((resolve) => {
                const [, exe, ...args] = defaultHealthCheckCommand(port, p);
                execFile(exe, args, (err) => resolve(err ? Number((err as { code?: number }).code ?? 1) : 0));
            });
        try {
            expect(await run("/api/health")).to.equal(0);
            expect(await run("/it's/ok")).to.equal(0);
            expect(await run("/down")).to.equal(1);
            expect(seen).to.deep.equal(["/api/health", "/it's/ok", "/down"]);
        } finally {
            await new Promise((r) => server.close(r));
        }
    });

    it("task family: name and stack, only characters ECS accepts", () => {
        expect(taskFamily("dev-web", "dev")).to.equal("dev-web-dev");
        expect(taskFamily("web", "team.prod_1")).to.equal("web-team-prod_1");
        expect(taskFamily("web", "x".repeat(300))).to.have.length(255);
    });

    it("Docker build paths: relative to the working directory, / separators, the same on every machine", () => {
        for (const root of ["/home/runner/work/app/app", "/Users/dev/src/app"]) {
            expect(
                dockerBuildPaths(path.join(root, "app"), path.join(root, "app", "Dockerfile"), root),
                root,
            ).to.deep.equal({ context: "app", dockerfile: "app/Dockerfile" });
        }
        expect(dockerBuildPaths("/p", "/p/Dockerfile", "/p")).to.deep.equal({
            context: ".",
            dockerfile: "Dockerfile",
        });
        expect(dockerBuildPaths("/p/app", "/p/docker/app.Dockerfile", "/p/infra")).to.deep.equal({
            context: "../app",
            dockerfile: "../docker/app.Dockerfile",
        });
    });

    it("access log bucket policy: ELB delivery only under the prefix, TLS-only", () => {
        const doc = accessLogsBucketPolicy({
            bucketArn: "arn:aws:s3:::logs",
            prefix: "alb",
            accountId: "1",
            partition: "aws",
            region: "us-east-1",
            elbAccountArn: "arn:aws:iam::2:root",
        });
        expect(doc.Statement.map((s) => [s.Effect, s.Principal, s.Resource])).to.deep.equal([
            ["Allow", { AWS: "arn:aws:iam::2:root" }, "arn:aws:s3:::logs/alb/AWSLogs/1/*"],
            [
                "Allow",
                { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
                "arn:aws:s3:::logs/alb/AWSLogs/1/*",
            ],
            ["Deny", "*", ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]],
        ]);
        expect(doc.Statement[2].Condition).to.deep.equal({ Bool: { "aws:SecureTransport": "false" } });
    });

    it("container definitions sort variables and never put secrets in environment", () => {
        const [c] = JSON.parse(
            containerDefinitions({
                name: "app",
                image: "img",
                port: 8080,
                environment: { Z: "1", A: "2" },
                secrets: { S: DB_SECRET },
                logGroupName: "g",
                region: "eu-west-1",
                healthCheckCommand: ["CMD-SHELL", "true"],
                user: "app:app",
            }),
        );
        expect(c.user).to.equal("app:app");
        expect(c.environment).to.deep.equal([
            { name: "A", value: "2" },
            { name: "Z", value: "1" },
        ]);
        expect(c.secrets).to.deep.equal([{ name: "S", valueFrom: DB_SECRET }]);
        expect(c.logConfiguration.options["awslogs-region"]).to.equal("eu-west-1");
        expect(serviceResourceId("c", "s")).to.equal("service/c/s");
        expect(publicPorts(false)).to.deep.equal([80]);
        expect(applicationUrl(true, "x.example.com")).to.equal("https://x.example.com");
    });

    it("ECR lifecycle: untagged rule first, keep-last-N rule last (ECR's order for tagStatus any)", () => {
        expect(ecrLifecyclePolicy(5, 2)).to.deep.equal({
            rules: [
                {
                    rulePriority: 1,
                    description: "Expire untagged images after 2 days",
                    selection: {
                        tagStatus: "untagged",
                        countType: "sinceImagePushed",
                        countUnit: "days",
                        countNumber: 2,
                    },
                    action: { type: "expire" },
                },
                {
                    rulePriority: 2,
                    description: "Keep the last 5 images",
                    selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 5 },
                    action: { type: "expire" },
                },
            ],
        });
    });

    it(".dockerignore rules: globs, directories, exceptions, last match wins", () => {
        const rules = parseDockerignore("# comment\nnode_modules\n/dist/\n*.md\n!KEEP.md\n**/*.log\n");
        const ignored = ["node_modules/pg/index.js", "dist/server.js", "README.md", "a/b/c.log", "x.log"];
        const kept = ["server.ts", "KEEP.md", "src/README.md", "package.json"];
        expect(ignored.filter((p) => !isIgnored(rules, p))).to.deep.equal([]);
        expect(kept.filter((p) => isIgnored(rules, p))).to.deep.equal([]);
    });

    it("context hash changes with sent files, the Dockerfile and the platform, not with ignored files", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ctx-"));
        try {
            fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\n");
            fs.writeFileSync(path.join(dir, ".dockerignore"), "node_modules\n");
            fs.writeFileSync(path.join(dir, "server.ts"), "1");
            const df = path.join(dir, "Dockerfile");
            const h0 = contextHash(dir, df, "linux/arm64");
            expect(h0).to.match(/^[0-9a-f]{64}$/);
            expect(imageTag(h0)).to.equal(`build-${h0.slice(0, 20)}`);
            fs.mkdirSync(path.join(dir, "node_modules"));
            fs.writeFileSync(path.join(dir, "node_modules", "x.js"), "ignored");
            expect(contextHash(dir, df, "linux/arm64")).to.equal(h0);
            expect(contextHash(dir, df, "linux/amd64")).not.to.equal(h0);
            fs.writeFileSync(path.join(dir, "server.ts"), "2");
            const h1 = contextHash(dir, df, "linux/arm64");
            expect(h1).not.to.equal(h0);
            fs.writeFileSync(df, "FROM scratch\nUSER 1000\n");
            expect(contextHash(dir, df, "linux/arm64")).not.to.equal(h1);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
