/**
 * Opt-in restart on secret rotation (Ec2Service / EcsEc2Service
 * `restartOnSecretRotation`) through the public entry point: the EventBridge
 * rule matches exactly the secret's RotationSucceeded event, only that rule
 * may invoke the function, and the function may force a new deployment of
 * exactly its own service and write its own logs.
 */
import { expect } from "chai";
import { Ec2Service, EcsEc2Service, type Ec2ServiceArgs } from "../components";
import { rotationEventPattern } from "../components/ecs";
import { failsBeforeRegistering, mocksReady, record, type Recording } from "./harness/mocks";

const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf";
const CLUSTER = { clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/shared", clusterName: "shared" };
const T = {
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    fn: "aws:lambda/function:Function",
    permission: "aws:lambda/permission:Permission",
    role: "aws:iam/role:Role",
    policy: "aws:iam/rolePolicy:RolePolicy",
    logs: "aws:cloudwatch/logGroup:LogGroup",
    service: "aws:ecs/service:Service",
};
const base = (extra: Partial<Ec2ServiceArgs> = {}): Ec2ServiceArgs => ({
    vpcId: "vpc-1",
    cidrBlock: "10.0.0.0/16",
    subnetIds: ["subnet-0a1b2c3d4e5f60001"],
    cluster: CLUSTER,
    image: "public.ecr.aws/nginx/nginx:1.27",
    secrets: { DB_SECRET: `${SECRET}:password::` },
    logRetentionDays: 14,
    ...extra,
});

describe("restart on secret rotation (restartOnSecretRotation)", () => {
    before(() => mocksReady);

    describe("on an Ec2Service", () => {
        let rec: Recording;
        before(async () => {
            rec = await record(() => new Ec2Service("api", base({ restartOnSecretRotation: { secretArn: SECRET } })));
        });

        it("the rule matches Secrets Manager's RotationSucceeded CloudTrail event of this secret only", () => {
            const pattern = JSON.parse(rec.one(T.rule).inputs.eventPattern);
            expect(pattern).to.deep.equal({
                source: ["aws.secretsmanager"],
                "detail-type": ["AWS Service Event via CloudTrail", "AWS API Call via CloudTrail"],
                detail: {
                    eventSource: ["secretsmanager.amazonaws.com"],
                    eventName: ["RotationSucceeded"],
                    additionalEventData: { SecretId: [SECRET] },
                },
            });
            expect(pattern).to.deep.equal(rotationEventPattern(SECRET));
        });

        it("the rule targets the function with retries; only this rule may invoke it", () => {
            const fn = rec.one(T.fn);
            const rule = rec.one(T.rule);
            expect(rule.state.arn).to.equal(`arn:aws:events:us-east-1:123456789012:rule/${rule.state.name}`);
            expect(rec.one(T.target).inputs).to.deep.include({
                rule: rule.state.name,
                arn: fn.state.arn,
                retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 },
            });
            expect(rec.one(T.permission).inputs).to.deep.equal({
                action: "lambda:InvokeFunction",
                function: fn.state.name,
                principal: "events.amazonaws.com",
                sourceArn: rule.state.arn,
            });
        });

        it("the function restarts exactly this service: its target comes from its environment", () => {
            const fn = rec.one(T.fn).inputs;
            expect(fn).to.deep.include({
                runtime: "nodejs22.x",
                handler: "index.handler",
                architectures: ["arm64"],
                memorySize: 128,
                timeout: 30,
            });
            expect(fn.environment.variables).to.deep.equal({
                CLUSTER_ARN: CLUSTER.clusterArn,
                SERVICE_NAME: rec.one(T.service).state.name,
                SECRET_ARN: SECRET,
            });
            const logs = rec.one(T.logs, "api-restart-logs");
            expect(logs.inputs.retentionInDays).to.equal(14);
            expect(fn.loggingConfig).to.deep.equal({ logFormat: "JSON", logGroup: logs.state.name });
        });

        it("its role: Lambda only, for this account; ecs:UpdateService on this service in this cluster, own logs", () => {
            const role = rec.one(T.role, "api-restart-role");
            expect(JSON.parse(role.inputs.assumeRolePolicy)).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "lambda.amazonaws.com" },
                        Action: "sts:AssumeRole",
                        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
                    },
                ],
            });
            const policy = rec.one(T.policy, "api-restart-policy");
            expect(policy.inputs.role).to.equal(role.id);
            const service = rec.one(T.service).state.name;
            expect(JSON.parse(policy.inputs.policy)).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "ForceNewDeploymentOfThisService",
                        Effect: "Allow",
                        Action: "ecs:UpdateService",
                        Resource: `arn:aws:ecs:us-east-1:123456789012:service/shared/${service}`,
                        Condition: { ArnEquals: { "ecs:cluster": CLUSTER.clusterArn } },
                    },
                    {
                        Sid: "WriteOwnLogs",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                        Resource: `${rec.one(T.logs, "api-restart-logs").state.arn}:*`,
                    },
                ],
            });
        });
    });

    it("off by default: no rule, no function", async () => {
        const rec = await record(() => new Ec2Service("api", base()));
        expect(rec.ofType(T.rule)).to.have.length(0);
        expect(rec.ofType(T.fn)).to.have.length(0);
    });

    it("a bad secret ARN is refused before anything is registered, with key, value and expectation", async () => {
        const message = await failsBeforeRegistering(
            () => new Ec2Service("api", base({ restartOnSecretRotation: { secretArn: `${SECRET}:password::` } })),
        );
        expect(message).to.include(
            `restartOnSecretRotation.secretArn: "${SECRET}:password::" is not a whole Secrets Manager secret ARN`,
        );
        const missing = await failsBeforeRegistering(
            () => new Ec2Service("api", base({ restartOnSecretRotation: {} as { secretArn: string } })),
        );
        expect(missing).to.include("restartOnSecretRotation.secretArn: is required");
    });

    it("EcsEc2Service passes it to its service (and refuses a bad one by the same key)", async () => {
        const args = {
            vpcId: "vpc-1",
            cidrBlock: "10.0.0.0/16",
            cluster: CLUSTER,
            serviceSubnetIds: ["subnet-0a1b2c3d4e5f60001"],
            ingress: "httpApi" as const,
            image: "public.ecr.aws/nginx/nginx:1.27",
            secrets: { DB_SECRET: SECRET },
        };
        const rec = await record(
            () => new EcsEc2Service("web", { ...args, restartOnSecretRotation: { secretArn: SECRET } }),
        );
        expect(
            JSON.parse(rec.one(T.rule, "web-on-rotation").inputs.eventPattern).detail.additionalEventData,
        ).to.deep.equal({
            SecretId: [SECRET],
        });
        expect(rec.one(T.fn, "web-restart").inputs.environment.variables.SECRET_ARN).to.equal(SECRET);
        const message = await failsBeforeRegistering(
            () => new EcsEc2Service("web", { ...args, restartOnSecretRotation: { secretArn: "not-an-arn" } }),
        );
        expect(message).to.include('restartOnSecretRotation.secretArn: "not-an-arn" is not a whole Secrets Manager');
    });
});
