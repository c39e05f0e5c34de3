/**
 * Sign-in checks every whole-stack spec runs (issue 18): the user pool and
 * its public client, the post-confirmation trigger's placement and rights,
 * and what the application receives to check tokens.
 */
import { expect } from "chai";
import type { StackEvaluation } from "./stack";
import { containerOf, T } from "./stackBaseline";

export const A = {
    pool: "aws:cognito/userPool:UserPool",
    client: "aws:cognito/userPoolClient:UserPoolClient",
    fn: "aws:lambda/function:Function",
    authorizer: "aws:apigatewayv2/authorizer:Authorizer",
    route: "aws:apigatewayv2/route:Route",
};

export function authBaseline(get: () => StackEvaluation, prod: boolean) {
    it("has a user pool with email sign-in and a public code-flow client without a secret or implicit grant", () => {
        const rec = get().recording;
        const pool = rec.one(A.pool);
        expect(pool.inputs.usernameAttributes).to.deep.equal(["email"]);
        expect(pool.inputs.passwordPolicy.minimumLength).to.be.at.least(12);
        expect(pool.inputs.deletionProtection).to.equal(prod ? "ACTIVE" : "INACTIVE");
        expect(pool.inputs.userPoolTier).to.equal("ESSENTIALS");
        const client = rec.one(A.client);
        expect(client.inputs.generateSecret).to.equal(false);
        expect(client.inputs.allowedOauthFlows).to.deep.equal(["code"]);
        const local = client.inputs.callbackUrls.filter((u: string) => u.startsWith("http://"));
        expect(local, "local callbacks").to.deep.equal(prod ? [] : ["http://localhost:5173/"]);
        if (prod) expect(client.inputs.callbackUrls).to.deep.equal(["https://app.example.com/"]);
    });

    it("runs the post-confirmation trigger in the private subnets, signing in as its own database role", () => {
        const rec = get().recording;
        const fn = rec.ofType(A.fn).find((f) => f.name.endsWith("-auth-post-confirmation"))!;
        expect(fn.inputs.vpcConfig.subnetIds.every((id: string) => id.startsWith("subnet-private-"))).to.equal(true);
        expect(fn.inputs.environment.variables).to.include({ DB_USER: "auth_trigger" });
        expect(rec.one(A.pool).inputs.lambdaConfig.postConfirmation).to.equal(fn.state.arn);
        const policy = rec.ofType(T.rolePolicy).find((p) => p.name.endsWith("-auth-trigger-policy"))!;
        const connect = JSON.parse(policy.inputs.policy).Statement.find((s: any) => s.Action === "rds-db:connect");
        expect(connect.Resource).to.match(/:dbuser:(db|cluster)-[A-Za-z0-9]+\/auth_trigger$/);
    });

    it("gives the application the pool's issuer and client id, and the trigger's role to create", () => {
        const rec = get().recording;
        const env = Object.fromEntries(containerOf(rec).environment.map((e: any) => [e.name, e.value]));
        const pool = rec.one(A.pool);
        expect(env.AUTH_ISSUER).to.equal(`https://cognito-idp.us-east-1.amazonaws.com/${pool.state.id ?? pool.id}`);
        expect(env.AUTH_CLIENT_ID).to.equal(rec.one(A.client).state.id ?? rec.one(A.client).id);
        expect(env.DB_TRIGGER_USER).to.equal("auth_trigger");
        expect(String(get().outputs.authIssuer)).to.equal(env.AUTH_ISSUER);
    });
}
