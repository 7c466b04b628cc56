"""Statistics on the public forms and the applications, in one package:

- `events`: what a journey records (no person in it), and its monthly rollups;
- `applications`: applications counted by month received, kept current by casework;
- `versions`: each form's content version, derived from its definition;
- `periods`: the periods people use (months, quarters, financial years);
- `suppression`: the one rule every published figure goes through;
- `queries`: the figures the dashboard, the yearly return and the CSV files read;
- `compare`: what a change to a form did, version against version.
"""
