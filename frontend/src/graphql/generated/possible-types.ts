
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "CaseDetails": [
      "BirthDetails",
      "InfoCertificateDetails",
      "MatterCertificateDetails",
      "MigrationDetails"
    ],
    "Node": [
      "Case",
      "Household",
      "Resident",
      "User"
    ],
    "OnlineResult": [
      "BirthOnlineResult"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "CaseDetails": [
      "BirthDetails",
      "InfoCertificateDetails",
      "MatterCertificateDetails",
      "MigrationDetails"
    ],
    "Node": [
      "Case",
      "Household",
      "Resident",
      "User"
    ],
    "OnlineResult": [
      "BirthOnlineResult"
    ]
  }
};
      export default result;
    