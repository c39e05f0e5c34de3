/**
 * The checks every whole-stack spec runs: the security baseline across all
 * resources of the stack, and the wiring between the components.
 */
import type { Recording } from "./mocks";
import { bucketsNotBlocked, internetIngress, logGroupsWithoutRetention, wildcardGrants } from "./baseline";
import type { StackEvaluation } from "./stack";
import { expect } from "chai";

export const T = {
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    vpc: "awsx:ec2:Vpc",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    rds: "aws:rds/instance:Instance",
    cluster: "aws:rds/cluster:Cluster",
    clusterInstance: "aws:rds/clusterInstance:ClusterInstance",
    waf: "aws:wafv2/webAcl:WebAcl",
    wafAssoc: "aws:wafv2/webAclAssociation:WebAclAssociation",
    cdn: "aws:cloudfront/distribution:Distribution",
    service: "aws:ecs/service:Service",
    task: "aws:ecs/taskDefinition:TaskDefinition",
    api: "aws:apigatewayv2/api:Api",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    role: "aws:iam/role:Role",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
};

/** The task role's inline policy statements (the application's permissions). */
export function taskRoleStatements(rec: Recording): any[] {
    const task = rec.one(T.task);
    const role = rec.ofType(T.role).find((r) => r.state.arn === task.inputs.taskRoleArn)!;
    const docs = [
        ...rec.ofType(T.rolePolicy).filter((p) => p.inputs.role === role.state.name || p.inputs.role === role.id),
        ...(role.inputs.inlinePolicies ?? []).map((p: any) => ({ inputs: p })),
    ].map((p: any) => JSON.parse(p.inputs.policy));
    return docs.flatMap((d) => d.Statement);
}

export function containerOf(rec: Recording): any {
    return JSON.parse(rec.one(T.task).inputs.containerDefinitions)[0];
}

/** Checks every stack must pass: the security baseline across all resources, and the wiring. */
export function baseline(stack: string, get: () => StackEvaluation, minRetention: number) {
    it("only the ingress accepts traffic from the internet, and only on 80/443", () => {
        const { recording: rec } = get();
        for (const rule of internetIngress(rec)) {
            expect(rule.securityGroup, `internet rule on ${rule.securityGroup}`).to.match(/-alb-sg$/);
            expect([80, 443], `port ${rule.fromPort}`).to.include(rule.fromPort);
            expect(rule.toPort).to.equal(rule.fromPort);
        }
    });

    it("no IAM statement allows * on *", () => {
        expect(wildcardGrants(get().recording)).to.deep.equal([]);
    });

    it(`every log group has a retention (at least ${minRetention} days)`, () => {
        const rec = get().recording;
        expect(logGroupsWithoutRetention(rec)).to.deep.equal([]);
        for (const g of rec.ofType(T.logGroup)) {
            expect(g.inputs.retentionInDays, g.name).to.be.at.least(minRetention);
        }
    });

    it("every bucket blocks public access", () => {
        const rec = get().recording;
        expect(rec.ofType("aws:s3/bucket:Bucket")).to.not.be.empty;
        expect(bucketsNotBlocked(rec)).to.deep.equal([]);
    });

    it("the database is private, encrypted, in the isolated subnets and admits only the service and the sign-up trigger", () => {
        const rec = get().recording;
        const db = database(rec);
        expect(db.publiclyAccessible).to.deep.equal([false]);
        expect(db.inputs.storageEncrypted).to.equal(true);
        expect(db.inputs.manageMasterUserPassword).to.equal(true);
        expect(db.inputs).to.not.have.property("password");
        const subnetGroup = rec.one("aws:rds/subnetGroup:SubnetGroup");
        expect(subnetGroup.inputs.subnetIds.every((id: string) => id.startsWith("subnet-isolated-"))).to.equal(true);
        const dbSg = rec.ofType(T.sg).find((sg) => db.inputs.vpcSecurityGroupIds.includes(sg.id))!;
        const serviceSg = rec.ofType(T.sg).find((sg) => sg.name.endsWith("-web-service-sg"))!;
        const triggerSg = rec.ofType(T.sg).find((sg) => sg.name.endsWith("-auth-trigger-sg"))!;
        const rules = rec.ofType(T.ingressRule).filter((r) => r.inputs.securityGroupId === dbSg.id);
        expect(rules.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort])).to.deep.equal([
            [serviceSg.id, 5432],
            [triggerSg.id, 5432],
        ]);
    });

    it("the service gets the database endpoint as environment and both secrets through `secrets` only", () => {
        const rec = get().recording;
        const container = containerOf(rec);
        const env = Object.fromEntries(container.environment.map((e: any) => [e.name, e.value]));
        const db = database(rec);
        expect(env).to.include({ DB_HOST: db.address, DB_PORT: "5432", DB_NAME: db.dbName });
        const secrets = Object.fromEntries(container.secrets.map((e: any) => [e.name, e.valueFrom]));
        expect(secrets.DB_SECRET).to.equal(db.state.masterUserSecrets[0].secretArn);
        const appSecret = rec.one("aws:secretsmanager/secret:Secret");
        expect(secrets.SECRET_KEY).to.equal(appSecret.state.arn);
        expect(Object.keys(env).some((k) => /SECRET|PASSWORD|TOKEN/.test(k))).to.equal(false);
        const version = rec.one("aws:secretsmanager/secretVersion:SecretVersion");
        expect(version.secretInputs).to.include("secretString");
    });

    it("the task role may put objects under uploads/, read rendition manifests, and nothing more on the bucket", () => {
        const rec = get().recording;
        const bucket = rec.ofType("aws:s3/bucket:Bucket").find((b) => b.name.endsWith("-images-media"))!;
        const s3 = taskRoleStatements(rec).filter(
            (st) =>
                [st.Action].flat().some((a: string) => a.startsWith("s3:")) &&
                [st.Resource].flat().some((r: string) => r.startsWith(`${bucket.state.arn}/`)),
        );
        expect(s3.map((st) => [[st.Action].flat(), [st.Resource].flat()])).to.deep.equal([
            [["s3:PutObject"], [`${bucket.state.arn}/uploads/*`]],
            [["s3:GetObject"], [`${bucket.state.arn}/renders/*/manifest.json`]],
        ]);
    });

    it("alarms cover ECS, RDS, the Lambda and its dead-letter queue, and a dashboard exists", () => {
        const rec = get().recording;
        const metrics = rec.ofType(T.alarm).map((a) => `${a.inputs.namespace}/${a.inputs.metricName}`);
        // An RDS instance's free storage, or an Aurora Serverless v2 instance's capacity ceiling.
        const storageOrCapacity = rec.ofType(T.rds).length > 0 ? "AWS/RDS/FreeStorageSpace" : "AWS/RDS/ACUUtilization";
        expect(metrics).to.include.members([
            "AWS/ECS/CPUUtilization",
            "AWS/ECS/MemoryUtilization",
            "AWS/RDS/CPUUtilization",
            storageOrCapacity,
            "AWS/RDS/DatabaseConnections",
            "AWS/Lambda/Errors",
            "AWS/SQS/ApproximateNumberOfMessagesVisible",
        ]);
        expect(rec.ofType(T.dashboard)).to.have.length(1);
    });

    it("exports the application URL, database endpoint, bucket, topics and dashboard", () => {
        const { outputs } = get();
        for (const key of [
            "applicationUrl",
            "databaseEndpoint",
            "bucketName",
            "imageTopicArn",
            "alarmTopicArn",
            "billingTopicArn",
            "dashboardUrl",
        ]) {
            expect(outputs[key], key).to.be.a("string").and.not.empty;
        }
        expect(outputs.environmentName).to.equal(stack);
        // The idle monthly cost of the plan issue (docs/architecture-<stack>.cost.json).
        expect(outputs.idleMonthlyCostUsd).to.be.a("number").and.greaterThan(0);
        expect(outputs.idleMonthlyCostUsd).to.be.at.most(stack === "dev" ? 30 : 200);
    });
}

/**
 * The stack's database in either PostgresDb mode: the RDS instance, or the
 * Aurora cluster with the public exposure of each of its instances.
 */
export function database(rec: Recording) {
    const instance = rec.ofType(T.rds)[0];
    if (instance)
        return {
            inputs: instance.inputs,
            state: instance.state,
            address: instance.state.address,
            dbName: instance.inputs.dbName,
            masterUsername: instance.inputs.username,
            resourceId: instance.state.resourceId,
            publiclyAccessible: [instance.inputs.publiclyAccessible ?? false],
        };
    const cluster = rec.one(T.cluster);
    return {
        inputs: cluster.inputs,
        state: cluster.state,
        address: cluster.state.endpoint,
        dbName: cluster.inputs.databaseName,
        masterUsername: cluster.inputs.masterUsername,
        resourceId: cluster.state.clusterResourceId,
        publiclyAccessible: [
            ...new Set(rec.ofType(T.clusterInstance).map((i) => i.inputs.publiclyAccessible ?? false)),
        ],
    };
}
