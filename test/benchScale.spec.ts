import { expect } from "chai";
import { report } from "../scripts/bench-scale";

describe("bench:scale report", () => {
    it("prints time and memory per registration, and the time per registration against the smallest program", () => {
        const MB = 2 ** 20;
        const table = report([
            { copies: 1, registrations: 100, seconds: 1, retainedBytes: 102400, peakRssBytes: 200 * MB },
            { copies: 5, registrations: 500, seconds: 3, retainedBytes: 512000, peakRssBytes: 250 * MB },
        ]).split("\n");
        expect(table[0]).to.match(/^\| copies \| registrations \| seconds \| ms \/ reg\./);
        expect(table.slice(2)).to.deep.equal([
            "| 1 | 100 | 1.00 | 10.00 | 1.0 | 200 | - | 1.00 |",
            "| 5 | 500 | 3.00 | 6.00 | 1.0 | 250 | 128 | 0.60 |",
        ]);
    });
});
