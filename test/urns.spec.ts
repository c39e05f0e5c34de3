/**
 * Deployed stacks are not replaced by a refactor: every resource URN of the
 * previous layout (test/fixtures/urns-<stack>.json) is registered again, or
 * claimed by a present resource's `aliases` (own or inherited from a moved
 * parent), or listed in the fixture as an intentional removal with its reason.
 */
import { mocksReady, record, Recording, type Registration } from "./harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { evaluateStack } from "./harness/stack";
import { aliasUrn, aliasUrnsOf, compareUrns, makeUrn, readFixture } from "./harness/urns";

const reg = (r: Partial<Registration> & Pick<Registration, "urn" | "type" | "name">): Registration =>
    ({ parent: "", aliases: [], ...r }) as Registration;

describe("resource URNs", () => {
    before(() => mocksReady);

    it("the mock engine records each registration's aliases as the engine receives them", async () => {
        const rec = await record(() => {
            const holder = new pulumi.ComponentResource("test:index:Holder", "holder");
            const leaf = (name: string, aliases: pulumi.Input<string | pulumi.Alias>[]) =>
                new pulumi.ComponentResource("test:index:Leaf", name, {}, { parent: holder, aliases });
            leaf("b", [{ parent: undefined }]);
            leaf("c", [{ name: "old-c", parent: holder }, "urn:pulumi:test::aws-webapp::x:y:Z::q"]);
        });
        const holder = rec.one("test:index:Holder");
        const b = rec.one("test:index:Leaf", "b");
        expect(b.aliases.map((a) => aliasUrn(b, a))).to.deep.equal(["urn:pulumi:test::aws-webapp::test:index:Leaf::b"]);
        const c = rec.one("test:index:Leaf", "c");
        expect(c.aliases.map((a) => aliasUrn(c, a))).to.deep.equal([
            "urn:pulumi:test::aws-webapp::test:index:Holder$test:index:Leaf::old-c",
            "urn:pulumi:test::aws-webapp::x:y:Z::q",
        ]);
        expect(c.aliases[0].parentUrn).to.equal(holder.urn);
    });

    describe("URN and alias arithmetic (the engine's rules)", () => {
        const parent = "urn:pulumi:dev::proj::pkg:index:Outer::a";
        const child = "urn:pulumi:dev::proj::pkg:index:Outer$pkg:index:Inner::a";

        it("chains parent types with $ and leaves the root stack out", () => {
            expect(makeUrn("dev", "proj", "", "aws:s3/bucket:Bucket", "b")).to.equal(
                "urn:pulumi:dev::proj::aws:s3/bucket:Bucket::b",
            );
            expect(makeUrn("dev", "proj", child, "aws:s3/bucket:Bucket", "b")).to.equal(
                "urn:pulumi:dev::proj::pkg:index:Outer$pkg:index:Inner$aws:s3/bucket:Bucket::b",
            );
            expect(
                makeUrn("dev", "proj", "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev", "t:m:T", "x"),
            ).to.equal("urn:pulumi:dev::proj::t:m:T::x");
        });

        it("fills an alias spec's unset parts from the resource", () => {
            const r = reg({
                urn: "urn:pulumi:dev::proj::pkg:index:Outer$pkg:index:Inner$aws:s3/bucket:Bucket::b",
                type: "aws:s3/bucket:Bucket",
                name: "b",
                parent: child,
            });
            expect(aliasUrn(r, { parentUrn: parent })).to.equal(
                "urn:pulumi:dev::proj::pkg:index:Outer$aws:s3/bucket:Bucket::b",
            );
            expect(aliasUrn(r, { name: "old" })).to.equal(
                "urn:pulumi:dev::proj::pkg:index:Outer$pkg:index:Inner$aws:s3/bucket:Bucket::old",
            );
            expect(aliasUrn(r, { noParent: true })).to.equal("urn:pulumi:dev::proj::aws:s3/bucket:Bucket::b");
            expect(aliasUrn(r, { urn: "urn:pulumi:dev::proj::x:y:Z::q" })).to.equal("urn:pulumi:dev::proj::x:y:Z::q");
        });

        it("children inherit an alias for each alias of their parent", () => {
            const outer = reg({ urn: parent, type: "pkg:index:Outer", name: "a" });
            const inner = reg({
                urn: child,
                type: "pkg:index:Inner",
                name: "a",
                parent,
                aliases: [{ type: "pkg:index:Old" }],
            });
            const leafUrn = `urn:pulumi:dev::proj::pkg:index:Outer$pkg:index:Inner$aws:s3/bucket:Bucket::b`;
            const leaf = reg({ urn: leafUrn, type: "aws:s3/bucket:Bucket", name: "b", parent: child });
            const aliases = aliasUrnsOf(new Recording([outer, inner, leaf]));
            expect(aliases.get(child)).to.deep.equal(["urn:pulumi:dev::proj::pkg:index:Outer$pkg:index:Old::a"]);
            expect(aliases.get(leafUrn)).to.deep.equal([
                "urn:pulumi:dev::proj::pkg:index:Outer$pkg:index:Old$aws:s3/bucket:Bucket::b",
            ]);
        });

        it("reports a URN that is neither present, aliased nor listed as lost, and double claims", () => {
            const a = reg({ urn: "urn:pulumi:s::p::t:m:A::a", type: "t:m:A", name: "a", aliases: [{ name: "old" }] });
            const b = reg({ urn: "urn:pulumi:s::p::t:m:A::b", type: "t:m:A", name: "b", aliases: [{ name: "old" }] });
            const result = compareUrns(
                {
                    comment: "",
                    urns: [
                        "urn:pulumi:s::p::t:m:A::a",
                        "urn:pulumi:s::p::t:m:A::old",
                        "urn:pulumi:s::p::t:m:A::gone",
                        "urn:pulumi:s::p::t:m:A::dropped",
                    ],
                    intentionalRemovals: [{ urn: "urn:pulumi:s::p::t:m:A::dropped", reason: "test" }],
                },
                new Recording([a, b]),
            );
            expect(result.unchanged).to.deep.equal(["urn:pulumi:s::p::t:m:A::a"]);
            expect([...result.aliased.keys()]).to.deep.equal(["urn:pulumi:s::p::t:m:A::old"]);
            expect(result.removed).to.deep.equal(["urn:pulumi:s::p::t:m:A::dropped"]);
            expect(result.lost).to.deep.equal(["urn:pulumi:s::p::t:m:A::gone"]);
            expect(result.claimedTwice).to.deep.equal(["urn:pulumi:s::p::t:m:A::old"]);
        });
    });

    for (const stack of ["dev", "prod"]) {
        describe(`${stack} stack against the previous layout`, function () {
            this.timeout(60000);

            it("keeps every resource: each old URN is unchanged, aliased, or an intentional removal", async () => {
                const fixture = readFixture(stack);
                expect(fixture.urns.length, "fixture URNs").to.be.greaterThan(50);
                const { recording } = await evaluateStack(stack);
                const result = compareUrns(fixture, recording);
                expect(result.lost, "URNs Pulumi would delete (and so replace)").to.deep.equal([]);
                expect(result.claimedTwice, "old URNs claimed by two resources").to.deep.equal([]);
                expect(result.presentAndAliased, "URNs both registered and claimed as an alias").to.deep.equal([]);
            });

            it("lists only removals that are gone, each with a reason", async () => {
                const fixture = readFixture(stack);
                const { recording } = await evaluateStack(stack);
                const result = compareUrns(fixture, recording);
                for (const r of fixture.intentionalRemovals) {
                    expect(fixture.urns, "a removal is a URN of the previous layout").to.include(r.urn);
                    expect(r.reason, r.urn).to.be.a("string").with.length.greaterThan(10);
                }
                expect(result.removed.sort()).to.deep.equal(fixture.intentionalRemovals.map((r) => r.urn).sort());
            });
        });
    }
});
