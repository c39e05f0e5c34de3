/** Assembles a plan: tree, counts, cost and diagram from one set of resources. */
import { planChecks, type PlanCheck } from "./checks";
import type { CostReport, Diagram, PlanDocument, PlanResource, PlanSource } from "./model";
import { priceResources } from "./cost";
import { buildDiagram } from "./diagram";
import { Graph } from "./graph";
import { priceFile, PriceTable } from "./prices";
import { keyProperties } from "./properties";
import { countByType, renderTree } from "./tree";
import { normalize } from "./values";

export interface Plan {
    readonly doc: PlanDocument;
    readonly tree: readonly string[];
    readonly cost: CostReport;
    readonly diagram: Diagram;
    readonly prices: PriceTable;
    readonly checks: readonly PlanCheck[];
}

export interface PlanInput {
    readonly stack: string;
    readonly source: PlanSource;
    readonly resources: readonly PlanResource[];
    readonly outputs: Record<string, unknown>;
}

/** The stack's region as its outputs tell it (the program exports `region`). */
export function regionOf(input: PlanInput): string | undefined {
    const region = input.outputs.region;
    return typeof region === "string" && region !== "" ? region : undefined;
}

/**
 * Builds the whole plan of one stack. Pure. `missingRegion` names the stack's
 * region when it has no price table and `prices` (another region's) stand in:
 * the plan says so in its notes and its document.
 */
export function buildPlan(input: PlanInput, prices: PriceTable, missingRegion?: string): Plan {
    const resources = input.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    const graph = new Graph(input.resources);
    const priced = priceResources(resources, prices, graph);
    const cost = missingRegion
        ? {
              ...priced,
              notes: [
                  `No price table for ${missingRegion}: priced with ${prices.region} prices, which differ by region (add pricing/${missingRegion}.json; --strict refuses this plan).`,
                  ...priced.notes,
              ],
          }
        : priced;
    const diagram = buildDiagram(resources, graph);
    const checks = planChecks(resources, cost, prices);
    const doc: PlanDocument = {
        version: 1,
        stack: input.stack,
        source: input.source,
        prices: {
            file: priceFile(prices.region),
            region: prices.region,
            takenOn: prices.takenOn,
            ...(missingRegion ? { missingRegion } : {}),
        },
        resources: resources.map((r) => ({ ...r, properties: keyProperties(r) })),
        counts: countByType(resources),
        outputs: normalize(input.outputs) as Record<string, unknown>,
        costItems: cost.items,
        unpriced: cost.unpriced,
        notes: cost.notes,
        total: cost.totalUsd,
        diagram: { nodes: diagram.nodes, edges: diagram.edges },
        checks,
    };
    return { doc, tree: renderTree(graph), cost, diagram, prices, checks };
}
