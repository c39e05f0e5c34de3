/** Assembles a plan: tree, counts, cost and diagram from one set of resources. */
import type { CostReport, Diagram, PlanDocument, PlanResource, PlanSource } from "./model";
import { priceResources } from "./cost";
import { buildDiagram } from "./diagram";
import { Graph } from "./graph";
import { PRICE_FILE, PriceTable } from "./prices";
import { keyProperties } from "./properties";
import { countByType, renderTree } from "./tree";
import { normalize } from "./values";

export interface Plan {
    readonly doc: PlanDocument;
    readonly tree: readonly string[];
    readonly cost: CostReport;
    readonly diagram: Diagram;
    readonly prices: PriceTable;
}

export interface PlanInput {
    readonly stack: string;
    readonly source: PlanSource;
    readonly resources: readonly PlanResource[];
    readonly outputs: Record<string, unknown>;
}

/** Builds the whole plan of one stack. Pure. */
export function buildPlan(input: PlanInput, prices: PriceTable): Plan {
    const resources = input.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    const graph = new Graph(input.resources);
    const cost = priceResources(resources, prices, graph);
    const diagram = buildDiagram(resources, graph);
    const doc: PlanDocument = {
        version: 1,
        stack: input.stack,
        source: input.source,
        prices: { file: PRICE_FILE.split("\\").join("/"), region: prices.region, takenOn: prices.takenOn },
        resources: resources.map((r) => ({ ...r, properties: keyProperties(r) })),
        counts: countByType(resources),
        outputs: normalize(input.outputs) as Record<string, unknown>,
        costItems: cost.items,
        unpriced: cost.unpriced,
        notes: cost.notes,
        total: cost.totalUsd,
        diagram: { nodes: diagram.nodes, edges: diagram.edges },
    };
    return { doc, tree: renderTree(graph), cost, diagram, prices };
}
