
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "Case": [
      "BirthRegistration"
    ],
    "Node": [
      "BirthRegistration",
      "Household",
      "Resident",
      "User"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "Case": [
      "BirthRegistration"
    ],
    "Node": [
      "BirthRegistration",
      "Household",
      "Resident",
      "User"
    ]
  }
};
      export default result;
    