
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "CaseDetails": [
      "BirthDetails",
      "IdCardDetails",
      "InfoCertificateDetails",
      "MatterCertificateDetails",
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
      "IdCardDetails",
      "InfoCertificateDetails",
      "MatterCertificateDetails",
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
    