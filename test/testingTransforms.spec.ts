/**
 * Resource transforms under the public testing module's engine, as the
 * Pulumi engine applies them on `pulumi up`: stack transforms
 * (`pulumi.runtime.registerResourceTransform`) on every later registration,
 * a resource's `transforms` option on itself and every descendant, in the
 * order own → parent → ... → stack, with Outputs in returned props resolved;
 * and nothing left behind for the next program.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { evaluateProgram, MockEngine, valueOf } from "../components/testing";
import { permissionsBoundaryTransform } from "../components";
import { engine as shared } from "./harness/mocks";

const ROLE = "aws:iam/role:Role";
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [] });

/** A transform that appends `mark` to the `description` of every registration that has one. */
const mark =
    (m: string): pulumi.ResourceTransform =>
    (args) =>
        args.props.description === undefined
            ? undefined
            : { props: { ...args.props, description: `${args.props.description}>${m}` }, opts: args.opts };

class Box extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("test:index:Box", name, {}, opts);
        const inner = new pulumi.ComponentResource("test:index:Inner", `${name}-inner`, {}, { parent: this });
        this.role = new aws.iam.Role(
            `${name}-role`,
            { assumeRolePolicy: TRUST, description: "r" },
            { parent: inner, transforms: [mark("own")] },
        );
        this.registerOutputs({});
    }
}

describe("testing module: resource transforms", () => {
    const engine = new MockEngine({ stack: "unit" });
    before(() => engine.install());
    after(() => shared.install());

    it("applies a stack transform to every later registration, and its props reach the resource's outputs", async () => {
        const boundary = "arn:aws:iam::123456789012:policy/deploy-boundary-1234567";
        const { recording, outputs } = await evaluateProgram({
            program: () => {
                pulumi.runtime.registerResourceTransform(permissionsBoundaryTransform(boundary));
                const role = new aws.iam.Role("app", { assumeRolePolicy: TRUST });
                const own = new aws.iam.Role("own", {
                    assumeRolePolicy: TRUST,
                    permissionsBoundary: "arn:aws:iam::123456789012:policy/own",
                });
                new aws.sns.Topic("topic", {});
                return { boundary: role.permissionsBoundary, own: own.permissionsBoundary };
            },
        });
        expect(recording.one(ROLE, "app").inputs.permissionsBoundary).to.equal(boundary);
        expect(recording.one(ROLE, "own").inputs.permissionsBoundary).to.equal("arn:aws:iam::123456789012:policy/own");
        expect(recording.one("aws:sns/topic:Topic").inputs).to.not.have.property("permissionsBoundary");
        expect(outputs).to.deep.equal({ boundary, own: "arn:aws:iam::123456789012:policy/own" });
    });

    it("runs a component's transforms on every descendant, own first, then parents', then the stack's", async () => {
        const { recording } = await evaluateProgram({
            program: () => {
                pulumi.runtime.registerResourceTransform(mark("stack"));
                new Box("boxed", { transforms: [mark("box")] });
                new Box("plain");
            },
        });
        expect(recording.one(ROLE, "boxed-role").inputs.description).to.equal("r>own>box>stack");
        expect(recording.one(ROLE, "plain-role").inputs.description).to.equal("r>own>stack");
    });

    it("resolves Outputs a transform puts in the props", async () => {
        const rec = await engine.record(() => {
            const policy = new aws.iam.Policy("boundary", { policy: "{}" });
            new aws.iam.Role(
                "bounded",
                { assumeRolePolicy: TRUST },
                { transforms: [permissionsBoundaryTransform(policy.arn)] },
            );
        });
        expect(rec.one(ROLE, "bounded").inputs.permissionsBoundary).to.equal(
            rec.one("aws:iam/policy:Policy").state.arn,
        );
    });

    it("leaves no stack transform behind for the next program or recording", async () => {
        await evaluateProgram({ program: () => pulumi.runtime.registerResourceTransform(mark("leak")) });
        const next = await evaluateProgram({
            program: () => new aws.iam.Role("next", { assumeRolePolicy: TRUST, description: "n" }),
        });
        expect(next.recording.one(ROLE).inputs.description).to.equal("n");
        const rec = await engine.record(() => new aws.iam.Role("after", { assumeRolePolicy: TRUST, description: "a" }));
        expect(rec.one(ROLE).inputs.description).to.equal("a");
        expect(await valueOf(rec.one(ROLE).state.description)).to.equal("a");
    });
});
