
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "CaseDetails": [
      "BirthDetails",
      "MigrationDetails"
    ],
    "Node": [
      "Case",
      "Household",
      "Resident",
      "User"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "CaseDetails": [
      "BirthDetails",
      "MigrationDetails"
    ],
    "Node": [
      "Case",
      "Household",
      "Resident",
      "User"
    ]
  }
};
      export default result;
    