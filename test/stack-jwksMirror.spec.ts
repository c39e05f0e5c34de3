/**
 * The pool's key set copy in both stacks (stacks/auth.ts, JwksMirror): the
 * tasks read `s3://<bucket>/jwks.json` (AUTH_JWKS_URI) through the VPC's S3
 * gateway endpoint, their role may read exactly that object, and the
 * function that writes it runs outside the VPC with the stack's retention.
 */
import { expect } from "chai";
import { evaluateStack, type StackEvaluation } from "./harness/stack";
import { mocksReady } from "./harness/mocks";
import { containerOf, taskRoleStatements } from "./harness/stackBaseline";

const J = {
    fn: "aws:lambda/function:Function",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    logs: "aws:cloudwatch/logGroup:LogGroup",
    invocation: "aws:lambda/invocation:Invocation",
};

for (const [stack, prod, retention] of [
    ["dev", false, 7],
    ["prod", true, 30],
] as const) {
    describe(`${stack} stack: the tasks read the pool's key set from its S3 copy`, () => {
        let ev: StackEvaluation;
        before(async () => {
            await mocksReady;
            ev = await evaluateStack(stack);
        });

        it("gives the app AUTH_JWKS_URI s3://<copy bucket>/jwks.json and lets its role read that object only", () => {
            const rec = ev.recording;
            const bucket = rec.one(J.bucket, `${stack}-jwks-bucket`);
            const env = Object.fromEntries(containerOf(rec).environment.map((e: any) => [e.name, e.value]));
            expect(env.AUTH_JWKS_URI).to.equal(`s3://${bucket.state.bucket}/jwks.json`);
            // The regional S3 endpoint (through the VPC's gateway endpoint), not a local server's.
            expect(env).to.not.have.any.keys("S3_ENDPOINT", "S3_FORCE_PATH_STYLE", "AWS_ENDPOINT_URL_S3");
            const reads = taskRoleStatements(rec).filter((s: any) => s.Resource === `${bucket.state.arn}/jwks.json`);
            expect(reads).to.deep.equal([
                {
                    Sid: "ReadJwksCopy",
                    Effect: "Allow",
                    Action: ["s3:GetObject"],
                    Resource: `${bucket.state.arn}/jwks.json`,
                },
            ]);
            const onBucket = taskRoleStatements(rec).filter((s: any) =>
                [s.Resource].flat().some((r: string) => r.startsWith(bucket.state.arn)),
            );
            expect(onBucket).to.have.length(1);
        });

        it("copies the pool's own key set, from outside the VPC, readable only through the VPC's S3 endpoint", () => {
            const rec = ev.recording;
            const fn = rec.one(J.fn, `${stack}-jwks-mirror`);
            expect(fn.inputs.vpcConfig).to.equal(undefined);
            const pool = rec.one("aws:cognito/userPool:UserPool");
            const poolJwks = `https://cognito-idp.us-east-1.amazonaws.com/${pool.state.id ?? pool.id}/.well-known/jwks.json`;
            expect(fn.inputs.environment.variables.JWKS_SOURCE_URL).to.equal(poolJwks);
            expect(rec.one(J.invocation).inputs.triggers.jwksUrl).to.equal(poolJwks);
            const s3Endpoint = rec.ofType(J.endpoint).find((e) => String(e.inputs.serviceName).endsWith(".s3"))!;
            const policy = JSON.parse(rec.one(J.bucketPolicy, `${stack}-jwks-bucket-policy`).inputs.policy);
            expect(policy.Statement.map((s: any) => s.Sid)).to.deep.equal([
                "DenyInsecureTransport",
                "DenyReadsOutsideTheVpc",
            ]);
            expect(policy.Statement[1].Condition).to.deep.equal({
                StringNotEquals: { "aws:SourceVpce": [s3Endpoint.state.id ?? s3Endpoint.id] },
            });
            expect(rec.one(J.logs, `${stack}-jwks-mirror-logs`).inputs.retentionInDays).to.equal(retention);
            expect(rec.one(J.bucket, `${stack}-jwks-bucket`).inputs.forceDestroy).to.equal(!prod);
        });
    });
}
