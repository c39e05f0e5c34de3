import { mocksReady } from "./harness/mocks";
import { evaluateStack, StackEvaluation } from "./harness/stack";
import { database } from "./harness/stackBaseline";
import { expect } from "chai";

/** The task definition's container environment, by name. */
function containerEnv(ev: StackEvaluation): Record<string, string> {
    const td = ev.recording.one("aws:ecs/taskDefinition:TaskDefinition");
    const defs = JSON.parse(td.inputs.containerDefinitions) as { environment?: { name: string; value: string }[] }[];
    return Object.fromEntries((defs[0].environment ?? []).map((e) => [e.name, e.value]));
}

/** Every statement of the task role's inline policies. */
function taskRoleStatements(ev: StackEvaluation): { Action: string | string[]; Resource: string | string[] }[] {
    const rec = ev.recording;
    const td = rec.one("aws:ecs/taskDefinition:TaskDefinition");
    const role = rec.ofType("aws:iam/role:Role").find((r) => r.state.arn === td.inputs.taskRoleArn)!;
    expect(role, "the task role").to.not.equal(undefined);
    return rec
        .ofType("aws:iam/rolePolicy:RolePolicy")
        .filter((p) => p.inputs.role === role.id || p.inputs.role === role.state.name)
        .flatMap((p) => JSON.parse(p.inputs.policy).Statement);
}

for (const stack of ["dev", "prod"]) {
    describe(`${stack}: the application's database access survives password rotation`, () => {
        let ev: StackEvaluation;
        before(async () => {
            await mocksReady;
            ev = await evaluateStack(stack);
        });

        it("serves traffic as the non-master role app with IAM authentication, region set for the signer", () => {
            const env = containerEnv(ev);
            expect(env).to.include({ DB_APP_USER: "app", DB_APP_AUTH: "iam", AWS_REGION: "us-east-1" });
            // dev runs the serverless mode (an Aurora cluster), prod the RDS instance.
            const db = database(ev.recording);
            expect(db.inputs.iamDatabaseAuthenticationEnabled).to.equal(true);
            expect(db.masterUsername, "the master user is another role").to.be.a("string").and.not.equal("app");
            // No password in plain environment variables.
            expect(Object.keys(env).filter((k) => /PASS|SECRET/.test(k))).to.deep.equal([]);
        });

        it("grants rds-db:connect on exactly that user of this instance, nothing broader", () => {
            const db = database(ev.recording);
            const connect = taskRoleStatements(ev).filter((s) => [s.Action].flat().includes("rds-db:connect"));
            expect(connect).to.have.length(1);
            expect([connect[0].Resource].flat()).to.deep.equal([
                `arn:aws:rds-db:us-east-1:123456789012:dbuser:${db.resourceId}/app`,
            ]);
        });

        it("reads rendition manifests only, writes uploads only", () => {
            const all = taskRoleStatements(ev).filter((s) => [s.Action].flat().some((a) => a.startsWith("s3:")));
            // Besides the media bucket: a read of the pool's key set copy (JwksMirror), that one object only.
            const copy = all.filter((s) => [s.Resource].flat().every((r) => /-jwks-bucket\/jwks\.json$/.test(r)));
            expect(copy.map((s) => [s.Action].flat())).to.deep.equal([["s3:GetObject"]]);
            const s3 = all.filter((s) => !copy.includes(s));
            const byAction = Object.fromEntries(s3.map((s) => [[s.Action].flat().join(","), [s.Resource].flat()]));
            expect(Object.keys(byAction).sort()).to.deep.equal(["s3:GetObject", "s3:PutObject"]);
            expect(byAction["s3:GetObject"][0]).to.match(/\/renders\/\*\/manifest\.json$/);
            expect(byAction["s3:PutObject"][0]).to.match(/\/uploads\/\*$/);
        });
    });
}
