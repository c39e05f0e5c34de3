/**
 * Issue 19 in the stacks (stacks/messaging.ts): the MessageTable in dev and
 * prod, the API's exact table grant and environment, DynamoDB through the
 * VPC's gateway endpoint, and the cache off by default, on with
 * `aws-webapp:cacheEnabled` (admitting only the service, reached on 6379).
 */
import { mocksReady } from "./harness/mocks";
import { evaluateStack, type StackEvaluation } from "./harness/stack";
import { containerOf, T } from "./harness/stackBaseline";
import { expect } from "chai";

const TABLE = "aws:dynamodb/table:Table";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const CACHE = "aws:elasticache/serverlessCache:ServerlessCache";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

const envOf = (s: StackEvaluation): Record<string, string> =>
    Object.fromEntries(containerOf(s.recording).environment.map((e: any) => [e.name, e.value]));

function taskStatements(s: StackEvaluation): any[] {
    const rec = s.recording;
    const task = rec.one(T.task);
    const role = rec.ofType(T.role).find((r) => r.state.arn === task.inputs.taskRoleArn)!;
    return rec
        .ofType(T.rolePolicy)
        .filter((p) => p.inputs.role === role.state.name || p.inputs.role === role.id)
        .flatMap((p) => JSON.parse(p.inputs.policy).Statement);
}

describe("messaging in the stacks (issue 19)", () => {
    before(() => mocksReady);
    const stacks: Record<string, StackEvaluation> = {};
    before(async () => {
        stacks.dev = await evaluateStack("dev");
        stacks.prod = await evaluateStack("prod");
    });

    for (const name of ["dev", "prod"]) {
        it(`${name}: the task role gets exactly the table and index actions, and the app the table's name`, () => {
            const s = stacks[name];
            const table = s.recording.one(TABLE);
            const dynamo = taskStatements(s).filter((st) =>
                [st.Action].flat().some((a: string) => a.startsWith("dynamodb:")),
            );
            expect(dynamo.map((st) => [[st.Action].flat(), [st.Resource].flat()])).to.deep.equal([
                [["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"], [table.state.arn]],
                [["dynamodb:Query"], [`${table.state.arn}/index/byUser`]],
            ]);
            const env = envOf(s);
            expect(env.MESSAGES_TABLE).to.equal(table.state.name);
            expect(env, "the cache is off by default").to.not.have.property("CACHE_URL");
            expect(s.recording.ofType(CACHE)).to.be.empty;
        });

        it(`${name}: DynamoDB traffic goes through a gateway endpoint on the private and isolated route tables`, () => {
            const rec = stacks[name].recording;
            const endpoint = rec.ofType(ENDPOINT).find((e) => String(e.inputs.serviceName).endsWith(".dynamodb"))!;
            expect(endpoint.inputs.vpcEndpointType).to.equal("Gateway");
            expect(endpoint.inputs.routeTableIds.every((id: string) => /^rtb-(private|isolated)-/.test(id))).to.equal(
                true,
            );
        });
    }

    it("prod protects and retains the table; dev does not", () => {
        const prod = stacks.prod.recording.one(TABLE);
        expect(prod.inputs.deletionProtectionEnabled).to.equal(true);
        expect(prod.protect).to.equal(true);
        expect(prod.retainOnDelete).to.equal(true);
        const dev = stacks.dev.recording.one(TABLE);
        expect(dev.inputs.deletionProtectionEnabled).to.equal(false);
        expect(dev.protect ?? false).to.equal(false);
        for (const t of [prod, dev]) expect(t.inputs.pointInTimeRecovery).to.deep.equal({ enabled: true });
    });

    it("with aws-webapp:cacheEnabled, a Valkey cache admits only the service, which reaches it on 6379 over TLS", async () => {
        const s = await evaluateStack("prod", {
            "aws-webapp:cacheEnabled": "true",
            "aws-webapp:cacheMaxDataStorageGb": "2",
            "aws-webapp:cacheTtlSeconds": "120",
        });
        const rec = s.recording;
        const cache = rec.one(CACHE);
        expect(cache.inputs.engine).to.equal("valkey");
        expect(cache.inputs.cacheUsageLimits.dataStorage).to.deep.include({ maximum: 2, unit: "GB" });
        expect(cache.inputs.subnetIds.every((id: string) => id.startsWith("subnet-private-"))).to.equal(true);
        const env = envOf(s);
        expect(env.CACHE_URL).to.match(/^rediss:\/\/.+:6379$/);
        expect(env.CACHE_TTL_SECONDS).to.equal("120");
        const serviceSg = rec.ofType(T.sg).find((sg) => sg.name.endsWith("-web-service-sg"))!;
        const cacheSg = rec.ofType(T.sg).find((sg) => cache.inputs.securityGroupIds.includes(sg.id))!;
        const admitted = rec.ofType(T.ingressRule).filter((r) => r.inputs.securityGroupId === cacheSg.id);
        expect(admitted.map((r) => r.inputs.referencedSecurityGroupId)).to.deep.equal([serviceSg.id]);
        const egress = rec.ofType(EGRESS).filter((r) => r.inputs.securityGroupId === serviceSg.id);
        expect(egress.map((r) => r.inputs.fromPort)).to.include(6379);
    });
});
