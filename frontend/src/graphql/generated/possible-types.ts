
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
      "BirthOnlineResult",
      "MatterCertificateOnlineResult"
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
      "BirthOnlineResult",
      "MatterCertificateOnlineResult"
    ]
  }
};
      export default result;
    