/**
 * What the plan shows about behaviour that only bites after a deployment
 * (issue 15): whether `destroy` can empty the buckets, whether a build could
 * re-push an immutable tag, which database user the tasks sign in as, what
 * the budget counts, whether the billing thresholds sit above the stack's
 * own idle cost, what Container Insights costs, how far the services scale,
 * whether an HTTP API's VPC link is kept active, what an office-hours schedule
 * stops and starts, where the tasks read the token keys.
 * Each line is read from the registrations, never assumed.
 */
import { priceResources } from "./cost";
import { Graph } from "./graph";
import type { CostReport, PlanResource } from "./model";
import type { PriceTable } from "./prices";
import { scheduleChecks } from "./scheduleCost";
import { at, bool, list, num, str } from "./values";

/** One fact: what it is about, the resource(s), and what the plan shows. */
export interface PlanCheck {
    readonly topic: string;
    readonly resource: string;
    readonly shows: string;
}

/** Days per month the daily figures use (730 h). */
const DAYS_PER_MONTH = 730 / 24;
const usd = (x: number) => `${x.toFixed(2)} USD`;
const of = (rs: readonly PlanResource[], type: string) => rs.filter((r) => r.type === type);

function buckets(rs: readonly PlanResource[]): PlanCheck[] {
    return of(rs, "aws:s3/bucket:Bucket").map((b) => ({
        topic: "bucket on destroy",
        resource: b.name,
        shows: bool(b.inputs.forceDestroy)
            ? "force-destroyed (destroy empties it)"
            : "kept: not force-destroyed (destroy stops while it holds objects)",
    }));
}

/** True when an ECR wildcard filter (`*` any run of characters) matches the tag. */
export function tagMatches(filter: string, tag: string): boolean {
    const re = filter.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
    return new RegExp(`^${re}$`).test(tag);
}

/** The tag of `<repository>:<tag>` (undefined for a digest or no tag). */
function tagOf(imageName: string | undefined): string | undefined {
    const m = imageName === undefined ? undefined : /:([A-Za-z0-9_][A-Za-z0-9._-]{0,127})$/.exec(imageName);
    return m?.[1];
}

function repositories(rs: readonly PlanResource[], graph: Graph): PlanCheck[] {
    const builds = of(rs, "docker:index/image:Image");
    return of(rs, "aws:ecr/repository:Repository").map((repo) => {
        const mutability = str(repo.inputs.imageTagMutability) ?? "MUTABLE";
        const filters = (list(repo.inputs.imageTagMutabilityExclusionFilters) ?? [])
            .map((f) => str(at(f, "filter")))
            .filter((f): f is string => f !== undefined);
        const pushed = builds
            .filter(
                (b) => b.parent === repo.parent || graph.dependenciesOf(b, repo.type).some((d) => d.urn === repo.urn),
            )
            .map((b) => tagOf(str(b.inputs.imageName)))
            .filter((t): t is string => t !== undefined);
        const immutable = (tag: string) =>
            mutability === "IMMUTABLE" ||
            (mutability === "IMMUTABLE_WITH_EXCLUSION" && !filters.some((f) => tagMatches(f, tag)));
        const policy =
            mutability === "IMMUTABLE_WITH_EXCLUSION" ? `IMMUTABLE except ${filters.join(", ")}` : mutability;
        const clash = pushed.filter(immutable);
        const shows =
            clash.length > 0
                ? `${policy}: the build re-pushes immutable tag ${clash.join(", ")} (a re-push fails the deploy)`
                : pushed.length > 0
                  ? `${policy}: no re-pushable immutable tag (builds push ${pushed.map((t) => t.replace(/-[0-9a-f]+$/, "-<hash>")).join(", ")}, run by digest)`
                  : `${policy}: no re-pushable immutable tag (the program pushes nothing: a prebuilt image by digest)`;
        return { topic: "image tags", resource: repo.name, shows };
    });
}

/** Database users named in `rds-db:connect` grants of a role policy. */
export function iamDatabaseUsers(policy: unknown): string[] {
    let doc: unknown;
    try {
        doc = typeof policy === "string" ? JSON.parse(policy) : policy;
    } catch {
        return [];
    }
    const users: string[] = [];
    for (const st of list(at(doc, "Statement")) ?? []) {
        const actions = [at(st, "Action")].flat();
        if (!actions.includes("rds-db:connect")) continue;
        for (const arn of [at(st, "Resource")].flat()) {
            const user = typeof arn === "string" ? /:dbuser:[^/]+\/(.+)$/.exec(arn)?.[1] : undefined;
            if (user) users.push(user);
        }
    }
    return users;
}

function databaseAccess(rs: readonly PlanResource[]): PlanCheck[] {
    const grants = of(rs, "aws:iam/rolePolicy:RolePolicy").flatMap((p) =>
        iamDatabaseUsers(p.inputs.policy).map((user) => ({ policy: p.name, user })),
    );
    // An RDS instance, or an Aurora cluster (PostgresDb's serverless mode: `masterUsername`).
    const databases = [...of(rs, "aws:rds/instance:Instance"), ...of(rs, "aws:rds/cluster:Cluster")];
    return databases.map((db) => {
        const master = str(db.inputs.username ?? db.inputs.masterUsername);
        const iam = bool(db.inputs.iamDatabaseAuthenticationEnabled) === true;
        const users = [...new Set(grants.map((g) => g.user))];
        const asMaster = master !== undefined && users.includes(master);
        const shows =
            users.length === 0
                ? `no IAM database user granted (master ${master ?? "?"}${iam ? "" : ", IAM authentication off"})`
                : `${iam ? "" : "IAM AUTHENTICATION OFF: "}traffic as ${users.join(", ")} with IAM authentication (${grants.map((g) => g.policy).join(", ")})${asMaster ? `: THE MASTER USER ${master}` : `, not the master user ${master ?? "?"}`}`;
        return { topic: "database user of the app", resource: db.name, shows };
    });
}

function budgets(rs: readonly PlanResource[], idleMonthly: number): PlanCheck[] {
    return of(rs, "aws:budgets/budget:Budget").flatMap((b) => {
        const tags = (list(b.inputs.costFilters) ?? [])
            .filter((f) => str(at(f, "name")) === "TagKeyValue")
            .flatMap((f) => list(at(f, "values")) ?? [])
            .map((v) =>
                String(v)
                    .replace(/^user:/, "")
                    .replace("$", " = "),
            );
        const limit = num(b.inputs.limitAmount) ?? Number(b.inputs.limitAmount);
        const actual = (list(b.inputs.notifications) ?? [])
            .filter((n) => str(at(n, "notificationType")) === "ACTUAL" && str(at(n, "thresholdType")) === "PERCENTAGE")
            .map((n) => num(at(n, "threshold")))
            .filter((t): t is number => t !== undefined);
        const lowest = actual.length ? Math.min(...actual) : 100;
        const notice = (limit * lowest) / 100;
        return [
            {
                topic: "budget scope",
                resource: b.name,
                shows: tags.length ? `filtered by tag ${tags.join(", ")}` : "ACCOUNT-WIDE (no cost filter)",
            },
            {
                topic: "budget threshold vs idle cost",
                resource: b.name,
                shows: `${lowest} % actual notice at ${usd(notice)} ${notice > idleMonthly ? ">" : "<= (FIRES EVERY MONTH)"} idle ${usd(idleMonthly)} a month`,
            },
        ];
    });
}

function billingAlarms(rs: readonly PlanResource[], idleMonthly: number): PlanCheck[] {
    const daily = idleMonthly / DAYS_PER_MONTH;
    return of(rs, "aws:cloudwatch/metricAlarm:MetricAlarm")
        .filter((a) =>
            (list(a.inputs.metricQueries) ?? []).some((q) => str(at(q, "metric.metricName")) === "EstimatedCharges"),
        )
        .map((a) => {
            const t = num(a.inputs.threshold) ?? 0;
            return {
                topic: "daily charges alarm vs idle cost",
                resource: a.name,
                shows: `${usd(t)} a day ${t > daily ? ">" : "<= (FIRES EVERY DAY)"} this stack's idle ${usd(daily)} a day (account-wide alarm)`,
            };
        });
}

function containerInsights(rs: readonly PlanResource[], cost: CostReport, prices: PriceTable): PlanCheck[] {
    return of(rs, "aws:ecs/cluster:Cluster").map((c) => {
        const value = (list(c.inputs.settings) ?? [])
            .filter((s) => str(at(s, "name")) === "containerInsights")
            .map((s) => str(at(s, "value")))
            .find((v) => v !== undefined);
        const priced = (items: CostReport["items"]) =>
            items.filter((i) => i.key === "cloudwatch:container-insights" && i.resources.includes(c.name));
        if (value === "enabled") {
            const usdMonth = priced(cost.items).reduce((s, i) => s + i.monthlyUsd, 0);
            return {
                topic: "Container Insights",
                resource: c.name,
                shows: `enabled: ${usd(usdMonth)} a month (in the idle cost)`,
            };
        }
        if (value === "enhanced")
            return { topic: "Container Insights", resource: c.name, shows: "enhanced: billed per observation" };
        // What it would cost: the same registrations priced with the setting on.
        const on = rs.map((r) =>
            r.urn === c.urn
                ? { ...r, inputs: { ...r.inputs, settings: [{ name: "containerInsights", value: "enabled" }] } }
                : r,
        );
        const would = priced(priceResources(on, prices, new Graph(on)).items).reduce((s, i) => s + i.monthlyUsd, 0);
        return {
            topic: "Container Insights",
            resource: c.name,
            shows: `off (enabled would add ${usd(would)} a month)`,
        };
    });
}

function scaling(rs: readonly PlanResource[]): PlanCheck[] {
    return of(rs, "aws:appautoscaling/target:Target")
        .filter((t) => str(t.inputs.serviceNamespace) === "ecs")
        .map((t) => ({
            topic: "service scaling",
            resource: t.name,
            shows: `${num(t.inputs.minCapacity) ?? "?"}–${num(t.inputs.maxCapacity) ?? "?"} tasks`,
        }));
}

/** The functions whose environment has `variable`, and the schedules of the rules that target them. */
function scheduledBy(rs: readonly PlanResource[], variable: string): { values: string[]; schedules: string[] } {
    const fns = of(rs, "aws:lambda/function:Function");
    const value = (f: PlanResource) => str(at(f.inputs, `environment.variables.${variable}`));
    const others = new Set(fns.filter((f) => value(f) === undefined).map((f) => f.urn));
    const targets = of(rs, "aws:cloudwatch/eventTarget:EventTarget");
    const targeting = (rule: PlanResource, urns: (urn: string) => boolean) =>
        targets.some((t) => t.dependencies.includes(rule.urn) && t.dependencies.some(urns));
    // A rule that targets another function is not one of these (a rule without targets may be).
    const schedules = of(rs, "aws:cloudwatch/eventRule:EventRule")
        .filter((r) => !targeting(r, (u) => others.has(u)))
        .map((r) => str(r.inputs.scheduleExpression))
        .filter((e): e is string => e !== undefined);
    return { values: fns.map(value).filter((v): v is string => v !== undefined), schedules };
}

/** VPC links: kept active by a scheduled request (a function with KEEP_ALIVE_URL), or not. */
function vpcLinks(rs: readonly PlanResource[]): PlanCheck[] {
    const { values: urls, schedules } = scheduledBy(rs, "KEEP_ALIVE_URL");
    return of(rs, "aws:apigatewayv2/vpcLink:VpcLink").map((l) => ({
        topic: "VPC link activity",
        resource: l.name,
        shows:
            urls.length > 0
                ? `kept active: ${schedules.join(", ") || "scheduled"} GET ${urls.map((u) => u.replace(/^.*?\/\/[^/]+/, "")).join(", ")} through the API`
                : "NO KEEP-ALIVE: inactive after 60 days without traffic",
    }));
}

/** The environment of each container of a task definition that checks tokens (AUTH_* variables). */
function tokenCheckingContainers(td: PlanResource): Record<string, string>[] {
    let defs: unknown;
    try {
        defs = JSON.parse(str(td.inputs.containerDefinitions) ?? "[]");
    } catch {
        return [];
    }
    return (Array.isArray(defs) ? defs : [])
        .map((c) =>
            Object.fromEntries(
                (list(at(c, "environment")) ?? []).map((e) => [str(at(e, "name")), str(at(e, "value"))]),
            ),
        )
        .filter((env) => env.AUTH_ISSUER !== undefined || env.AUTH_USER_POOL_ID !== undefined);
}

/** Token keys: where each token-checking task reads the issuer's key set (a copy in S3 needs no internet route). */
function tokenKeys(rs: readonly PlanResource[]): PlanCheck[] {
    const { values: copies, schedules } = scheduledBy(rs, "JWKS_SOURCE_URL");
    return of(rs, "aws:ecs/taskDefinition:TaskDefinition").flatMap((td) =>
        tokenCheckingContainers(td).map((env) => ({
            topic: "token keys",
            resource: td.name,
            shows: env.AUTH_JWKS_URI?.startsWith("s3://")
                ? `read from the S3 copy (no internet route needed)${copies.length > 0 ? `, copied ${schedules.join(", ") || "on a schedule"} and at deploy` : ": NO MIRROR FUNCTION copies it"}`
                : "downloaded from the issuer: needs a route to the internet (NAT)",
        })),
    );
}

/** Every check of a plan, in a fixed order. Pure. */
export function planChecks(resources: readonly PlanResource[], cost: CostReport, prices: PriceTable): PlanCheck[] {
    const graph = new Graph(resources);
    return [
        ...buckets(resources),
        ...repositories(resources, graph),
        ...databaseAccess(resources),
        ...budgets(resources, cost.totalUsd),
        ...billingAlarms(resources, cost.totalUsd),
        ...containerInsights(resources, cost, prices),
        ...scaling(resources),
        ...vpcLinks(resources),
        ...scheduleChecks(graph),
        ...tokenKeys(resources),
    ];
}
