// Partner report form -> POST /cases/partner-report body.
import { describe, expect, it } from "vitest";
import { buildPartnerReport, type PartnerFormValues } from "../src/rcc/partnerForm";

const base: PartnerFormValues = {
  reported_by: " Alarm Phone ", lat: "34.5", lon: "12.25", uncertainty_nm: "", persons_on_board: "",
  boat_type: "", boat_colour: "", engine_working: "", departure_country: "", first_rcc: "", description: "",
};

describe("buildPartnerReport", () => {
  it("sends only what is known", () => {
    expect(buildPartnerReport(base)).toEqual({ body: { reported_by: "Alarm Phone", lat: 34.5, lon: 12.25 }, errors: {} });
  });
  it("maps every field", () => {
    const { body } = buildPartnerReport({ ...base, uncertainty_nm: "3", persons_on_board: "47", boat_type: "rubber",
      boat_colour: "grey ", engine_working: "no", departure_country: "ly", first_rcc: "MRCC Malta", description: "taking water" });
    expect(body).toEqual({ reported_by: "Alarm Phone", lat: 34.5, lon: 12.25, datum_uncertainty_nm: 3, persons_on_board: 47,
      boat_type: "rubber", boat_colour: "grey", engine_working: false, departure_country: "LY", first_rcc: "MRCC Malta", description: "taking water" });
    expect(buildPartnerReport({ ...base, engine_working: "yes" }).body?.engine_working).toBe(true);
  });
  it("rejects a missing reporter, positions out of range and bad counts", () => {
    const { body, errors } = buildPartnerReport({ ...base, reported_by: "", lat: "91", lon: "", persons_on_board: "2.5", departure_country: "LBY", uncertainty_nm: "0" });
    expect(body).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(["departure_country", "lat", "lon", "persons_on_board", "reported_by", "uncertainty_nm"]);
  });
});
