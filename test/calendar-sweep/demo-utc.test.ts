import { defineCalendarSweep } from "../support/sweep-suite.ts";
import { sweepOrgs } from "../support/sweep.ts";

defineCalendarSweep(sweepOrgs[0]!);
