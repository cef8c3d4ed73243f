// Unit tests of how properties are named in the builder's menus: the catalog's label beside the column, in the
// filter, hold-constant and breakdown menus alike.
import assert from "node:assert/strict";
import { test } from "node:test";
import { propertyGroups, propertyLabel } from "../src/filters.js";

const catalog = {
  categories: [{ id: "web_pages", label: "Web pages" }],
  events: [{ id: "page_visited", category: "web_pages", label: "Page visited", anonymous: true, properties: ["country"] }],
  properties: [{ name: "country", label: "Country", type: "string" }, { name: "amount", label: "amount", type: "number" }],
};

test("a property is named by its catalog label and its column; a column the catalog lacks by itself", () => {
  assert.equal(propertyLabel(catalog, "country"), "Country (country)");
  assert.equal(propertyLabel(catalog, "amount"), "amount"); // a label that is the column says it once
  assert.equal(propertyLabel(catalog, "product_id"), "product_id");
});

test("the filter menu names properties as the others do", () => {
  const groups = propertyGroups(catalog, [{ name: "country", kind: "string" }, { name: "product_id", kind: "string" }], "page_visited");
  assert.deepEqual(groups.flatMap((g) => g.properties.map((p) => p.label)),
    [propertyLabel(catalog, "country"), propertyLabel(catalog, "product_id")]);
});
