
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "CaseDetails": [
      "BirthDetails"
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
      "BirthDetails"
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
    