/**
 * The plan's "What the plan shows" lines (scripts/plan/checks.ts) on
 * synthetic registrations: each one says the bad case too (a re-pushed
 * immutable tag, traffic as the master user, an account-wide budget, a
 * threshold below the idle cost), so the real stacks' lines can fail.
 */
import { expect } from "chai";
import { iamDatabaseUsers, planChecks, tagMatches } from "../scripts/plan/checks";
import { ROOT } from "../scripts/plan/cli";
import { priceResources } from "../scripts/plan/cost";
import type { PlanResource } from "../scripts/plan/model";
import { loadPrices } from "../scripts/plan/prices";
import { planResource } from "./harness/planResources";

const prices = loadPrices(ROOT);
const res = (type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlanResource> = {}) =>
    planResource(type, name, inputs, {
        parent: "urn:pulumi:test::aws-webapp::aws-webapp:index:ContainerImage::web",
        ...extra,
    });
const checks = (rs: PlanResource[]) => planChecks(rs, priceResources(rs, prices), prices);
const shows = (rs: PlanResource[], topic: string) =>
    checks(rs)
        .filter((c) => c.topic === topic)
        .map((c) => c.shows);

describe("plan: what the plan shows (checks)", () => {
    it("ECR wildcard filters as ECR matches them", () => {
        expect(tagMatches("build-*", "build-0123abcd")).to.equal(true);
        expect(tagMatches("build-*", "git-0123")).to.equal(false);
        expect(tagMatches("v*.*", "v1.2")).to.equal(true);
        expect(tagMatches("latest", "latest.1")).to.equal(false);
    });

    it("image tags: a build pushing into an IMMUTABLE repository is a re-pushable immutable tag", () => {
        const image = res("docker:index/image:Image", "web-image", {
            imageName: "<web-repo.repositoryUrl>:build-0a1b",
        });
        const immutable = res("aws:ecr/repository:Repository", "web-repo", { imageTagMutability: "IMMUTABLE" });
        expect(shows([immutable, image], "image tags")).to.deep.equal([
            "IMMUTABLE: the build re-pushes immutable tag build-0a1b (a re-push fails the deploy)",
        ]);
        const excluded = res("aws:ecr/repository:Repository", "web-repo", {
            imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
            imageTagMutabilityExclusionFilters: [{ filter: "build-*", filterType: "WILDCARD" }],
        });
        expect(shows([excluded, image], "image tags")).to.deep.equal([
            "IMMUTABLE except build-*: no re-pushable immutable tag (builds push build-<hash>, run by digest)",
        ]);
        expect(shows([excluded], "image tags")[0]).to.match(/the program pushes nothing/);
    });

    it("database user: names the IAM users granted and flags the master user", () => {
        const db = res("aws:rds/instance:Instance", "db", {
            username: "dbadmin",
            iamDatabaseAuthenticationEnabled: true,
        });
        const grant = (user: string) =>
            res("aws:iam/rolePolicy:RolePolicy", "task-policy", {
                policy: JSON.stringify({
                    Statement: [
                        { Action: ["rds-db:connect"], Resource: `arn:aws:rds-db:us-east-1:1:dbuser:db-ABC/${user}` },
                    ],
                }),
            });
        expect(shows([db, grant("app")], "database user of the app")).to.deep.equal([
            "traffic as app with IAM authentication (task-policy), not the master user dbadmin",
        ]);
        expect(shows([db, grant("dbadmin")], "database user of the app")[0]).to.match(/: THE MASTER USER dbadmin$/);
        expect(shows([db], "database user of the app")[0]).to.match(/^no IAM database user granted/);
        expect(iamDatabaseUsers("not json")).to.deep.equal([]);
    });

    it("budget: scope from the tag filter, the lowest actual notice against the idle cost", () => {
        const budget = (limit: string, costFilters: unknown[]) =>
            res("aws:budgets/budget:Budget", "budget", {
                limitAmount: limit,
                costFilters,
                notifications: [
                    { notificationType: "ACTUAL", thresholdType: "PERCENTAGE", threshold: 80 },
                    { notificationType: "FORECASTED", thresholdType: "PERCENTAGE", threshold: 100 },
                ],
            });
        // An instance that costs something: the idle cost the notice is compared with.
        const rds = res("aws:rds/instance:Instance", "db", {
            instanceClass: "db.t4g.micro",
            allocatedStorage: 20,
            storageType: "gp3",
        });
        const idle = priceResources([rds], prices).totalUsd;
        expect(idle).to.be.greaterThan(10);
        const low = shows([rds, budget("12", [])], "budget threshold vs idle cost")[0];
        expect(low).to.equal(
            `80 % actual notice at 9.60 USD <= (FIRES EVERY MONTH) idle ${idle.toFixed(2)} USD a month`,
        );
        expect(shows([rds, budget("12", [])], "budget scope")).to.deep.equal(["ACCOUNT-WIDE (no cost filter)"]);
        const scoped = budget("100", [{ name: "TagKeyValue", values: ["user:Environment$dev"] }]);
        expect(shows([rds, scoped], "budget scope")).to.deep.equal(["filtered by tag Environment = dev"]);
        expect(shows([rds, scoped], "budget threshold vs idle cost")[0]).to.match(
            /^80 % actual notice at 80.00 USD > idle/,
        );
    });

    it("Container Insights off: priced as if on, from the same registrations", () => {
        const cluster = res("aws:ecs/cluster:Cluster", "cluster", {
            settings: [{ name: "containerInsights", value: "disabled" }],
        });
        const service = res(
            "aws:ecs/service:Service",
            "svc",
            { cluster: "arn", taskDefinition: "arn:aws:ecs:us-east-1:1:task-definition/app:1" },
            { dependencies: [cluster.urn] },
        );
        const [off] = shows([cluster, service], "Container Insights");
        const m = /^off \(enabled would add ([0-9.]+) USD a month\)$/.exec(off);
        expect(m, off).to.not.equal(null);
        const on = { ...cluster, inputs: { settings: [{ name: "containerInsights", value: "enabled" }] } };
        const priced = priceResources([on, service], prices).items.find(
            (i) => i.key === "cloudwatch:container-insights",
        );
        expect(Number(m![1])).to.equal(priced!.monthlyUsd);
        expect(shows([on, service], "Container Insights")).to.deep.equal([
            `enabled: ${priced!.monthlyUsd.toFixed(2)} USD a month (in the idle cost)`,
        ]);
    });

    it("VPC link: kept active only when a keep-alive function requests through the API", () => {
        const link = res("aws:apigatewayv2/vpcLink:VpcLink", "link", {});
        expect(shows([link], "VPC link activity")).to.deep.equal([
            "NO KEEP-ALIVE: inactive after 60 days without traffic",
        ]);
        const fn = res("aws:lambda/function:Function", "keepalive", {
            environment: { variables: { KEEP_ALIVE_URL: "https://a1.execute-api.us-east-1.amazonaws.com/api/health" } },
        });
        const rule = res("aws:cloudwatch/eventRule:EventRule", "schedule", { scheduleExpression: "rate(1 day)" });
        expect(shows([link, fn, rule], "VPC link activity")).to.deep.equal([
            "kept active: rate(1 day) GET /api/health through the API",
        ]);
    });
});
