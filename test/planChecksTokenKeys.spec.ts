/**
 * The plan's "token keys" line (scripts/plan/checks.ts) on synthetic
 * registrations: a task that checks tokens reads the key set from its S3
 * copy (no internet route needed), or downloads it from the issuer (needs
 * NAT); and the VPC link line counts only the keep-alive's schedule.
 */
import { expect } from "chai";
import { planChecks } from "../scripts/plan/checks";
import { ROOT } from "../scripts/plan/cli";
import { priceResources } from "../scripts/plan/cost";
import type { PlanResource } from "../scripts/plan/model";
import { loadPrices } from "../scripts/plan/prices";
import { planResource } from "./harness/planResources";

const prices = loadPrices(ROOT);
const res = (type: string, name: string, inputs: Record<string, unknown>, dependencies: string[] = []) =>
    planResource(type, name, inputs, { dependencies });
const shows = (rs: PlanResource[], topic: string) =>
    planChecks(rs, priceResources(rs, prices), prices)
        .filter((c) => c.topic === topic)
        .map((c) => c.shows);
const task = (env: Record<string, string>) =>
    res("aws:ecs/taskDefinition:TaskDefinition", "web-task", {
        containerDefinitions: JSON.stringify([
            { name: "web", environment: Object.entries(env).map(([name, value]) => ({ name, value })) },
        ]),
    });
const ISSUER = { AUTH_ISSUER: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_a", AUTH_CLIENT_ID: "c" };

describe("plan: token keys", () => {
    const mirror = res("aws:lambda/function:Function", "jwks-mirror", {
        environment: { variables: { JWKS_SOURCE_URL: "https://cognito-idp.us-east-1.amazonaws.com/x/jwks.json" } },
    });
    const rule = res("aws:cloudwatch/eventRule:EventRule", "jwks-mirror-schedule", {
        scheduleExpression: "rate(1 hour)",
    });
    const target = res("aws:cloudwatch/eventTarget:EventTarget", "jwks-mirror-target", {}, [rule.urn, mirror.urn]);

    it("a task reading the S3 copy needs no internet route; one downloading from the issuer needs NAT", () => {
        const copy = task({ ...ISSUER, AUTH_JWKS_URI: "s3://b/jwks.json" });
        expect(shows([copy, mirror, rule, target], "token keys")).to.deep.equal([
            "read from the S3 copy (no internet route needed), copied rate(1 hour) and at deploy",
        ]);
        expect(shows([copy], "token keys")).to.deep.equal([
            "read from the S3 copy (no internet route needed): NO MIRROR FUNCTION copies it",
        ]);
        expect(shows([task(ISSUER)], "token keys")).to.deep.equal([
            "downloaded from the issuer: needs a route to the internet (NAT)",
        ]);
        expect(shows([task({ DB_HOST: "db" })], "token keys")).to.deep.equal([]);
    });

    it("the VPC link line counts the keep-alive's schedule, not the mirror's", () => {
        const link = res("aws:apigatewayv2/vpcLink:VpcLink", "link", {});
        const keepalive = res("aws:lambda/function:Function", "keepalive", {
            environment: { variables: { KEEP_ALIVE_URL: "https://a1.execute-api.us-east-1.amazonaws.com/api/health" } },
        });
        const daily = res("aws:cloudwatch/eventRule:EventRule", "schedule", { scheduleExpression: "rate(1 day)" });
        expect(shows([link, keepalive, daily, mirror, rule, target], "VPC link activity")).to.deep.equal([
            "kept active: rate(1 day) GET /api/health through the API",
        ]);
    });
});
