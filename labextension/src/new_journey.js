// @ts-check
// What File → New → Journey writes: journey_widgets.journey_file.NEW_JOURNEY as journey.save writes it
// (tests/test_document.py checks that they agree).
export const NEW_JOURNEY = "{\n  \"version\": 1,\n  \"name\": \"New journey\",\n  \"object\": \"contact\",\n  \"order\": \"ordered\",\n  \"window\": \"P30D\",\n  \"stages\": [\n    {\n      \"name\": \"Visited\",\n      \"steps\": [\n        {\n          \"event\": \"page_visited\"\n        }\n      ]\n    }\n  ]\n}\n";
