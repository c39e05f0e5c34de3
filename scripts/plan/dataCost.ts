/**
 * The plan's rules for the messaging data (issue 19): DynamoDB on demand has
 * no hourly or monthly price, so an idle table costs only what it stores
 * (and its point-in-time recovery, billed on the same size); the optional
 * cache is off by default, and the plan says what turning it on costs at
 * the least.
 */
import type { PlanResource } from "./model";
import type { CostContext } from "./cost";
import type { PriceTable } from "./prices";
import { at, str } from "./values";

/** DynamoDB on-demand table: a $0.00 idle line with its usage rate, and a note on storage and PITR. */
export function dynamodbTable(r: PlanResource, ctx: CostContext): void {
    const rate = ctx.prices.usage.rates.dynamodb;
    ctx.charges.push({
        key: "usage:dynamodb",
        label: "DynamoDB tables (on demand)",
        unit: "table",
        quantity: 1,
        unitMonthly: 0,
        rate: rate?.rate ?? "usage",
        resource: r.name,
    });
    const provisioned = str(r.inputs.billingMode) === "PROVISIONED";
    if (provisioned) {
        ctx.cannotPrice(r, "provisioned capacity is billed per capacity unit-hour: not in the price table");
        return;
    }
    const pitr = at(r.inputs, "pointInTimeRecovery.enabled") === true;
    ctx.notes.add(
        `DynamoDB on demand has no idle price: a table costs its stored data${pitr ? " plus point-in-time recovery on the same size" : ""} (${rate?.rate ?? "see the price table"}), $0.00 while empty; requests are usage.`,
    );
}

/** The least a Valkey serverless cache costs a month: its minimum metered data storage, every hour. */
export function cacheMinimumMonthlyUsd(prices: PriceTable): number | undefined {
    const p = prices.elasticacheServerless;
    const rate = p.gbHour.valkey;
    const floor = p.minimumGb.valkey;
    if (rate === undefined || floor === undefined) return undefined;
    return Math.round(floor * rate * prices.hoursPerMonth * 100) / 100;
}

/**
 * A stack with the MessageTable but no cache: the note states the cache's
 * minimum, so the choice to leave it off (or turn it on) is priced.
 */
export function cacheOffNote(resources: readonly PlanResource[], prices: PriceTable): string | undefined {
    const hasTable = resources.some((r) => r.type === "aws-webapp:index:MessageTable");
    const hasCache = resources.some((r) => r.type === "aws:elasticache/serverlessCache:ServerlessCache");
    const minimum = cacheMinimumMonthlyUsd(prices);
    if (!hasTable || hasCache || minimum === undefined) return undefined;
    const p = prices.elasticacheServerless;
    return `No cache in this stack (aws-webapp:cacheEnabled is false): turning it on adds ElastiCache Serverless for Valkey at least $${minimum.toFixed(2)} a month (${p.minimumGb.valkey} GB minimum x $${p.gbHour.valkey}/GB-h), more with stored data and ECPUs.`;
}
